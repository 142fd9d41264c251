/**
 * The transformation of the original pipeline, record → row: 12 free-text columns transliterated
 * to ASCII, three pairs of fields merged into one column each, the commercialisation dates read
 * from free text; then the typed columns of this project. ../shared/data/README.md states the
 * rules; to-recall-row.test.ts holds them to the original's output for every real record.
 */
import type { RecallRevision } from '../records/recall-revision.ts';
import { commercialisationDates, dayMonthYearToIso } from './commercialisation-dates.ts';
import { parseFrenchLongDate } from './french-long-date.ts';
import type { RecallRow } from './recall-row.ts';
import { transliterate } from './transliterate.ts';

/** Both sides joined by a line break, a missing side skipped, null when both are missing. */
function merged(first: string | null, second: string | null): string | null {
  const present = [first, second].filter((text) => text !== null);
  return present.length === 0 ? null : transliterate(present.join('\n'));
}

const SHEET_LINK = /\/fiche-rappel\/(\d+)(?:\/|$)/;

/** The number in https://rappel.conso.gouv.fr/fiche-rappel/10992/Rapex, or null without one. */
export function sheetNumber(link: string | null): number | null {
  const match = link === null ? null : SHEET_LINK.exec(link);
  return match ? Number(match[1]) : null;
}

export function toRecallRow({ dataset, fetchedAt, record, rawJson }: RecallRevision): RecallRow {
  const marketed = commercialisationDates(record.date_debut_fin_de_commercialisation);
  return {
    reference_fiche: record.reference_fiche,
    liens_vers_les_images: record.liens_vers_les_images,
    lien_vers_la_liste_des_produits: record.lien_vers_la_liste_des_produits,
    lien_vers_la_liste_des_distributeurs: record.lien_vers_la_liste_des_distributeurs,
    lien_vers_affichette_pdf: record.lien_vers_affichette_pdf,
    lien_vers_la_fiche_rappel: record.lien_vers_la_fiche_rappel,
    date_de_publication: record.date_de_publication,
    date_de_fin_de_la_procedure_de_rappel: record.date_de_fin_de_la_procedure_de_rappel,
    categorie_de_produit: transliterate(record.categorie_de_produit),
    sous_categorie_de_produit: transliterate(record.sous_categorie_de_produit),
    nom_de_la_marque_du_produit: transliterate(record.nom_de_la_marque_du_produit),
    noms_des_modeles_ou_references: transliterate(record.noms_des_modeles_ou_references),
    identification_des_produits: transliterate(record.identification_des_produits),
    conditionnements: transliterate(record.conditionnements),
    temperature_de_conservation: transliterate(record.temperature_de_conservation),
    zone_geographique_de_vente: transliterate(record.zone_geographique_de_vente),
    distributeurs: transliterate(record.distributeurs),
    motif_du_rappel: transliterate(record.motif_du_rappel),
    numero_de_contact: transliterate(record.numero_de_contact),
    modalites_de_compensation: transliterate(record.modalites_de_compensation),
    risques_pour_le_consommateur: merged(
      record.risques_encourus_par_le_consommateur,
      record.description_complementaire_du_risque,
    ),
    recommandations_sante: merged(record.preconisations_sanitaires, record.conduites_a_tenir_par_le_consommateur),
    date_debut_commercialisation: marketed.start,
    date_fin_commercialisation: marketed.end,
    informations_complementaires: merged(
      record.informations_complementaires,
      record.informations_complementaires_publiques,
    ),
    version: record.ndeg_de_version,
    published_on: record.date_de_publication,
    marketed_from: dayMonthYearToIso(marketed.start),
    marketed_until: dayMonthYearToIso(marketed.end),
    recall_ends_on: parseFrenchLongDate(record.date_de_fin_de_la_procedure_de_rappel),
    dataset,
    fetched_at: fetchedAt,
    raw: rawJson,
    // Both datasets carry a guid per sheet; without one, the reference is the best identity left.
    record_id: record.rappelguid ?? record.reference_fiche,
    sheet_number: sheetNumber(record.lien_vers_la_fiche_rappel),
  };
}
