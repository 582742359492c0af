-- Downloads, version 11: files leave Montage with their Content Credentials.

-- A review link lets its guests download files only when its creator said so.
ALTER TABLE review_links ADD COLUMN allow_downloads boolean NOT NULL DEFAULT false;

-- The signed copy of a file, kept in the asset store under its own sha256. Signing is not
-- repeatable byte for byte (a fresh manifest id and ECDSA signature each time), so the copy made
-- for one manifest is looked up here by what the manifest says (`manifest_key`: the sha256 of the
-- claim and the signer's chain) and served again while nothing in it has changed.
CREATE TABLE signed_downloads (
  workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source_sha256  text NOT NULL CHECK (source_sha256 ~ '^[a-f0-9]{64}$'),
  manifest_key   text NOT NULL CHECK (manifest_key ~ '^[a-f0-9]{64}$'),
  signed_sha256  text NOT NULL CHECK (signed_sha256 ~ '^[a-f0-9]{64}$'),
  byte_size      bigint NOT NULL CHECK (byte_size > 0),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, source_sha256, manifest_key)
);
