/**
 * The canonical recall record: what the producer publishes for either dataset and what the
 * consumer transforms into a table row. Its fields are those of the original dataset
 * `rappelconso0` (the Explore v2.1 record shape), because the original table is defined from them;
 * records of `rappelconso-v2-gtin-espaces` are mapped onto it.
 */
import { z } from 'zod';

const text = z.string().nullable();

/** YYYY-MM-DD that is a real calendar date. */
const isoDate = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, 'expected a date as YYYY-MM-DD');

export const canonicalRecordSchema = z.object({
  /** The business key. */
  reference_fiche: z.string().trim().min(1, 'a recall needs a reference'),
  ndeg_de_version: z.number().int().nonnegative().nullable(),
  nature_juridique_du_rappel: text,
  categorie_de_produit: text,
  sous_categorie_de_produit: text,
  nom_de_la_marque_du_produit: text,
  noms_des_modeles_ou_references: text,
  identification_des_produits: text,
  conditionnements: text,
  date_debut_fin_de_commercialisation: text,
  temperature_de_conservation: text,
  marque_de_salubrite: text,
  informations_complementaires: text,
  zone_geographique_de_vente: text,
  distributeurs: text,
  motif_du_rappel: text,
  risques_encourus_par_le_consommateur: text,
  preconisations_sanitaires: text,
  description_complementaire_du_risque: text,
  conduites_a_tenir_par_le_consommateur: text,
  numero_de_contact: text,
  modalites_de_compensation: text,
  date_de_fin_de_la_procedure_de_rappel: text,
  informations_complementaires_publiques: text,
  liens_vers_les_images: text,
  lien_vers_la_liste_des_produits: text,
  lien_vers_la_liste_des_distributeurs: text,
  lien_vers_affichette_pdf: text,
  lien_vers_la_fiche_rappel: text,
  rappelguid: text,
  /** Publication day, YYYY-MM-DD: the producer's incremental cursor. */
  date_de_publication: isoDate,
});

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>;
