-- Generations, version 9: the whole outcome of a finished generation, so the collab-server can
-- rebuild the variation's final state from PostgreSQL when the board command that carried it was
-- lost (output and poster were already here; the type, duration and renditions were only on the board).
ALTER TABLE generations
  ADD COLUMN output_mime_type        text,
  ADD COLUMN output_duration_seconds double precision CHECK (output_duration_seconds >= 0),
  ADD COLUMN strip_asset             text,
  ADD COLUMN strip_frames            integer CHECK (strip_frames >= 0),
  ADD COLUMN proxy_asset             text;
-- The reconciliation asks for the finished generations of one board's unfinished variations.
CREATE INDEX generations_board_finished ON generations (board_id, variation_id) WHERE finished_at IS NOT NULL;
