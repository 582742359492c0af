-- Issue 6: renditions of uploaded assets (ingest) and the workspace reference library.

-- Rows that exist already (generated outputs and their posters, images uploaded before ingest)
-- need no ingest, hence the 'ready' default; an upload inserts 'pending' until its workflow ends.
ALTER TABLE assets
  ADD COLUMN ingest         text NOT NULL DEFAULT 'ready' CHECK (ingest IN ('pending', 'ready', 'failed')),
  ADD COLUMN ingest_error   text,
  ADD COLUMN poster_sha256  text CHECK (poster_sha256 ~ '^[a-f0-9]{64}$'),
  ADD COLUMN strip_sha256   text CHECK (strip_sha256 ~ '^[a-f0-9]{64}$'),
  ADD COLUMN strip_frames   integer CHECK (strip_frames > 0),
  ADD COLUMN proxy_sha256   text CHECK (proxy_sha256 ~ '^[a-f0-9]{64}$');

-- A tagged identity anchor (`@hero`), usable on every board of its workspace. Named
-- library_references because REFERENCES is an SQL keyword.
CREATE TABLE library_references (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  tag           text NOT NULL CHECK (tag ~ '^[a-z][a-z0-9_]{1,31}$'),
  kind          text NOT NULL CHECK (kind IN ('character', 'product', 'location', 'style')),
  name          text NOT NULL DEFAULT '' CHECK (length(name) <= 80),
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, tag)
);

-- The views (one to three stills or clips) of a reference, in the order they were added.
CREATE TABLE reference_views (
  reference_id  uuid NOT NULL REFERENCES library_references(id) ON DELETE CASCADE,
  asset_id      uuid NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  position      integer NOT NULL CHECK (position >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (reference_id, asset_id)
);
CREATE INDEX reference_views_asset ON reference_views (asset_id);
