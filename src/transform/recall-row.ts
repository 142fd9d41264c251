/**
 * A row of the recall table: the original pipeline's 25 text columns, with its names, order and
 * values, so its queries keep their answers; then typed columns that this project adds.
 * src/postgres/migrations/0001_recall_table.sql and 0003_recall_sheets.sql create the same columns.
 */
import type { Dataset } from '../../contract/pipeline-defaults.ts';

export const ORIGINAL_COLUMNS = [
  'reference_fiche',
  'liens_vers_les_images',
  'lien_vers_la_liste_des_produits',
  'lien_vers_la_liste_des_distributeurs',
  'lien_vers_affichette_pdf',
  'lien_vers_la_fiche_rappel',
  'date_de_publication',
  'date_de_fin_de_la_procedure_de_rappel',
  'categorie_de_produit',
  'sous_categorie_de_produit',
  'nom_de_la_marque_du_produit',
  'noms_des_modeles_ou_references',
  'identification_des_produits',
  'conditionnements',
  'temperature_de_conservation',
  'zone_geographique_de_vente',
  'distributeurs',
  'motif_du_rappel',
  'numero_de_contact',
  'modalites_de_compensation',
  'risques_pour_le_consommateur',
  'recommandations_sante',
  'date_debut_commercialisation',
  'date_fin_commercialisation',
  'informations_complementaires',
] as const;

export type OriginalColumn = (typeof ORIGINAL_COLUMNS)[number];

export const TYPED_COLUMNS = [
  'version',
  'published_on',
  'marketed_from',
  'marketed_until',
  'recall_ends_on',
  'dataset',
  'fetched_at',
  'raw',
  'record_id',
  'sheet_number',
] as const;

/** Every column the sink writes, in table order; ingested_at and updated_at are the database's. */
export const ROW_COLUMNS = [...ORIGINAL_COLUMNS, ...TYPED_COLUMNS] as const;
export type RowColumn = (typeof ROW_COLUMNS)[number];

export type OriginalRow = { readonly [column in OriginalColumn]: string | null } & {
  readonly reference_fiche: string;
  readonly date_de_publication: string;
};

export interface TypedColumns {
  /** ndeg_de_version: which revision of the recall notice this is. */
  readonly version: number | null;
  /** YYYY-MM-DD, from date_de_publication. */
  readonly published_on: string;
  /** YYYY-MM-DD, from date_debut_commercialisation / date_fin_commercialisation. */
  readonly marketed_from: string | null;
  readonly marketed_until: string | null;
  /** YYYY-MM-DD, from the French text of date_de_fin_de_la_procedure_de_rappel. */
  readonly recall_ends_on: string | null;
  readonly dataset: Dataset;
  /** ISO 8601: when the producer read the record from the API. */
  readonly fetched_at: string;
  /** The record as the API returned it, as JSON text (PostgreSQL reads it into jsonb). */
  readonly raw: string;
  /**
   * The recall sheet's own identity in the dataset (rappelguid), unique where reference_fiche is
   * not: a few Safety Gate references are shared by two sheets. The sheets table's key.
   */
  readonly record_id: string;
  /** The sheet's number on rappel.conso.gouv.fr (from lien_vers_la_fiche_rappel): higher is later. */
  readonly sheet_number: number | null;
}

export type RecallRow = OriginalRow & TypedColumns;
