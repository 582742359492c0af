-- Lineage of edits: a generation made from another one's output (relight, restyle, upscale, a
-- Runway video-to-video pass) records which. Deleting the parent keeps the edit.
ALTER TABLE generations ADD COLUMN parent_generation_id uuid REFERENCES generations(id) ON DELETE SET NULL;
CREATE INDEX generations_parent ON generations (parent_generation_id) WHERE parent_generation_id IS NOT NULL;
