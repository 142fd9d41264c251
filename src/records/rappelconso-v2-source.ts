/**
 * `rappelconso-v2-gtin-espaces`, the live successor: the same recall sheet under other field
 * names, with the publication as an instant and the marketing period as two ISO dates. Mapped onto
 * the canonical (rappelconso0) record so the consumer handles both alike.
 */
import type { DatasetSource, RawRecord } from './dataset-source.ts';

/** Canonical field ← v2 field, for the fields that only changed name (or not even that). */
const renamed: Readonly<Record<string, string>> = {
  reference_fiche: 'numero_fiche',
  ndeg_de_version: 'numero_version',
  nature_juridique_du_rappel: 'nature_juridique_rappel',
  categorie_de_produit: 'categorie_produit',
  sous_categorie_de_produit: 'sous_categorie_produit',
  nom_de_la_marque_du_produit: 'marque_produit',
  noms_des_modeles_ou_references: 'modeles_ou_references',
  conditionnements: 'conditionnements',
  temperature_de_conservation: 'temperature_conservation',
  marque_de_salubrite: 'marque_salubrite',
  informations_complementaires: 'informations_complementaires',
  zone_geographique_de_vente: 'zone_geographique_de_vente',
  distributeurs: 'distributeurs',
  motif_du_rappel: 'motif_rappel',
  risques_encourus_par_le_consommateur: 'risques_encourus',
  preconisations_sanitaires: 'preconisations_sanitaires',
  description_complementaire_du_risque: 'description_complementaire_risque',
  conduites_a_tenir_par_le_consommateur: 'conduites_a_tenir_par_le_consommateur',
  numero_de_contact: 'numero_contact',
  modalites_de_compensation: 'modalites_de_compensation',
  date_de_fin_de_la_procedure_de_rappel: 'date_de_fin_de_la_procedure_de_rappel',
  informations_complementaires_publiques: 'informations_complementaires_publiques',
  liens_vers_les_images: 'liens_vers_les_images',
  lien_vers_la_liste_des_produits: 'lien_vers_la_liste_des_produits',
  lien_vers_la_liste_des_distributeurs: 'lien_vers_la_liste_des_distributeurs',
  lien_vers_affichette_pdf: 'lien_vers_affichette_pdf',
  lien_vers_la_fiche_rappel: 'lien_vers_la_fiche_rappel',
  rappelguid: 'rappel_guid',
};

/** Canonical fields computed from other v2 fields. */
const derivedFrom: Readonly<Record<string, string>> = {
  identification_des_produits: 'identification_produits',
  date_debut_fin_de_commercialisation: 'date_debut_commercialisation, date_date_fin_commercialisation',
  date_de_publication: 'date_publication',
};

/** The publication day in France, where RappelConso publishes: what v1 recorded as a date. */
const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function publicationDay(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  const instant = new Date(value);
  // An unreadable instant is passed on as it came, so validation quotes it.
  return Number.isNaN(instant.getTime()) ? value : parisDay.format(instant);
}

/**
 * The live API returns identification_produits as one string (one product's GTIN, batch, date
 * kind and dates joined by `$`, products separated by `|`); the published digest split it on `$`
 * into an array. Joining on `$` gives back the API's string.
 */
function productIdentification(value: unknown): unknown {
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return value.join('$');
  return value ?? null;
}

/** dd/mm/yyyy, the form v1 used inside its free-text marketing period. */
function frenchDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : undefined;
}

/**
 * v1 described the marketing period in one sentence ("Du 01/06/2015 au 25/09/2023"); rebuilding
 * that sentence lets the consumer extract start and end exactly as it does for v1.
 */
function marketingPeriod(start: unknown, end: unknown): string | null {
  const from = frenchDate(start);
  const to = frenchDate(end);
  if (from && to) return `Du ${from} au ${to}`;
  if (from) return `Depuis le ${from}`;
  if (to) return `Jusqu'au ${to}`;
  return null;
}

export const rappelconsoV2Source: DatasetSource = {
  dataset: 'rappelconso-v2-gtin-espaces',
  publicationField: 'date_publication',
  granularity: 'timestamp',
  referenceField: 'numero_fiche',
  guidField: 'rappel_guid',

  toCanonical(raw: RawRecord) {
    const record: Record<string, unknown> = {};
    for (const [canonical, source] of Object.entries(renamed)) record[canonical] = raw[source] ?? null;
    record.identification_des_produits = productIdentification(raw.identification_produits);
    record.date_debut_fin_de_commercialisation = marketingPeriod(
      raw.date_debut_commercialisation,
      raw.date_date_fin_commercialisation,
    );
    record.date_de_publication = publicationDay(raw.date_publication);
    return record;
  },

  sourceFieldOf(canonicalField) {
    return renamed[canonicalField] ?? derivedFrom[canonicalField] ?? canonicalField;
  },
};
