-- Where each pipeline's producer resumes, per dataset (see src/producer/checkpoint.ts).
-- Written only after the broker acknowledged every message up to this point.
CREATE TABLE producer_checkpoints (
  pipeline text NOT NULL,
  dataset text NOT NULL,
  -- The publication value, as the API wrote it, of the last acknowledged record.
  publication text NOT NULL,
  -- Identities (reference#guid) of the acknowledged records published with exactly that value:
  -- the next run reads that value again and leaves them out.
  sent_at_publication text[] NOT NULL,
  records_sent bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, dataset)
);
