-- Search, version 20: full-text columns (the 'simple' configuration: no stemming, so a prefix typed
-- in the search box matches the word as written) on what PostgreSQL already holds, and an index of
-- the shots, which live in the board's Yjs document: the collab-server rewrites a board's rows when
-- it loads or stores the board (only when they changed).

ALTER TABLE boards ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, name)) STORED;
CREATE INDEX boards_search ON boards USING gin (search);

ALTER TABLE comments ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED;
CREATE INDEX comments_search ON comments USING gin (search);

ALTER TABLE library_references ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tag || ' ' || name)) STORED;
CREATE INDEX library_references_search ON library_references USING gin (search);

ALTER TABLE users ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, name)) STORED;
CREATE INDEX users_search ON users USING gin (search);

-- A generation's prompt as it was asked (migration 0010's request; the params for older rows).
ALTER TABLE generations ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(request ->> 'prompt', params ->> 'prompt', ''))) STORED;
CREATE INDEX generations_search ON generations USING gin (search);

-- The shots of each board, as the collab-server last stored the board.
CREATE TABLE board_search_shapes (
  board_id   uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  shape_id   text NOT NULL,
  title      text NOT NULL,
  prompt     text NOT NULL,
  search     tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title || ' ' || prompt)) STORED,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (board_id, shape_id)
);
CREATE INDEX board_search_shapes_search ON board_search_shapes USING gin (search);
