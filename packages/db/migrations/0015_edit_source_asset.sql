-- Issue 15: an edit reads any asset of its workspace (a variation's output, an upload, a library
-- reference), so its lineage is the source's bytes; an edit of an upload has no parent generation.
ALTER TABLE generations ADD COLUMN source_asset_sha256 text;
CREATE INDEX generations_source_asset ON generations (workspace_id, source_asset_sha256) WHERE source_asset_sha256 IS NOT NULL;
