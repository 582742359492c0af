-- Board persistence, version 2: snapshot compaction of the update log, and named checkpoints.

-- One compacted state per board. A board's document is its snapshot plus every row still in
-- board_updates (Yjs updates are idempotent, so a row folded into the snapshot and read again
-- changes nothing). Compaction folds rows in and deletes exactly the rows it read.
CREATE TABLE board_snapshots (
  board_id    uuid PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
  snapshot    bytea NOT NULL,
  -- Rows folded in so far (all compactions together), for operators.
  folded      bigint NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Named checkpoints: the board's full state at a moment, kept until deleted with the board.
CREATE TABLE board_checkpoints (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id    uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  snapshot    bytea NOT NULL,
  created_by  uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_checkpoints_board ON board_checkpoints (board_id, created_at DESC);
