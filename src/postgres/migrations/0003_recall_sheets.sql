-- Every recall sheet, not only one per reference. A few Safety Gate references are shared by two
-- distinct sheets (e.g. A12/00030/22: fiche-rappel 10728 and 10992); the recall table keeps one row
-- per reference, as the original did, and this table keeps each sheet under its own record_id.
ALTER TABLE {{table}}
  ADD COLUMN IF NOT EXISTS record_id text,
  ADD COLUMN IF NOT EXISTS sheet_number integer;

-- The recall table's columns, keyed by the sheet instead of the reference.
CREATE TABLE IF NOT EXISTS {{sheets}} (
  record_id text PRIMARY KEY,
  sheet_number integer,
  reference_fiche text NOT NULL,
  liens_vers_les_images text,
  lien_vers_la_liste_des_produits text,
  lien_vers_la_liste_des_distributeurs text,
  lien_vers_affichette_pdf text,
  lien_vers_la_fiche_rappel text,
  date_de_publication text,
  date_de_fin_de_la_procedure_de_rappel text,
  categorie_de_produit text,
  sous_categorie_de_produit text,
  nom_de_la_marque_du_produit text,
  noms_des_modeles_ou_references text,
  identification_des_produits text,
  conditionnements text,
  temperature_de_conservation text,
  zone_geographique_de_vente text,
  distributeurs text,
  motif_du_rappel text,
  numero_de_contact text,
  modalites_de_compensation text,
  risques_pour_le_consommateur text,
  recommandations_sante text,
  date_debut_commercialisation text,
  date_fin_commercialisation text,
  informations_complementaires text,
  version integer,
  published_on date NOT NULL,
  marketed_from date,
  marketed_until date,
  recall_ends_on date,
  dataset text NOT NULL,
  fetched_at timestamptz NOT NULL,
  raw jsonb NOT NULL,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Its index serves lookups by reference (the sheets of one recall) and needs no name of its own.
  UNIQUE (reference_fiche, record_id)
);
