-- When a board's shots were last written to board_search_shapes (0020). NULL: never, a board not
-- opened since 0020 (or new and not yet opened): the collab-server indexes those from their stored
-- documents when it starts, so search finds their shots without anyone opening them first.
ALTER TABLE boards ADD COLUMN shots_indexed_at timestamptz;
UPDATE boards b SET shots_indexed_at = now() WHERE EXISTS (SELECT 1 FROM board_search_shapes s WHERE s.board_id = b.id);
CREATE INDEX boards_shots_unindexed ON boards (created_at) WHERE shots_indexed_at IS NULL;
