-- The recall table. {{table}} is the quoted name given by --table (see src/postgres/migrate.ts).
--
-- First the original pipeline's 25 text columns, with its names, order and values, so that its
-- queries (and SELECT *) keep their answers; reference_fiche is the key, as it was there.
CREATE TABLE {{table}} (
  reference_fiche text PRIMARY KEY,
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
  -- Typed beside the text, so that date ranges sort and compare without parsing French in SQL.
  -- ndeg_de_version: decides, with published_on and fetched_at, which revision of a recall wins.
  version integer,
  published_on date NOT NULL,
  -- From date_debut_commercialisation / date_fin_commercialisation (dd/mm/yyyy).
  marketed_from date,
  marketed_until date,
  -- From date_de_fin_de_la_procedure_de_rappel ("dimanche 31 octobre 2021").
  recall_ends_on date,
  dataset text NOT NULL,
  fetched_at timestamptz NOT NULL,
  -- The API's record as it came, so nothing the source said is lost to the transformation.
  raw jsonb NOT NULL,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  -- Changes only when a newer revision changes the row; a replay leaves it as it was.
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ON {{table}} (published_on);
