-- Review, version 3: comments on variations, approval decisions (an audit trail), review links for guests.

-- Guests of a review link comment too: they have a name but no user row.
CREATE TABLE review_links (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id          uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  scope             text NOT NULL CHECK (scope IN ('board', 'shot')),
  shot_id           text,
  -- sha256 of the random token: a leaked table does not open any link.
  token_hash        text NOT NULL UNIQUE CHECK (token_hash ~ '^[a-f0-9]{64}$'),
  -- scrypt `salt:hash` (hex); null when the link has no passphrase.
  passphrase_hash   text,
  expires_at        timestamptz NOT NULL,
  revoked_at        timestamptz,
  created_by        uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'shot') = (shot_id IS NOT NULL))
);
CREATE INDEX review_links_board ON review_links (board_id, created_at DESC);

CREATE TABLE comments (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id        uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  variation_id    text NOT NULL,
  -- A reply points at its thread's root; threads are one level deep.
  parent_id       uuid REFERENCES comments(id) ON DELETE CASCADE,
  author_id       uuid REFERENCES users(id) ON DELETE SET NULL,
  author_name     text NOT NULL CHECK (length(author_name) BETWEEN 1 AND 80),
  -- Set for a guest's comment: the link it came through.
  review_link_id  uuid REFERENCES review_links(id) ON DELETE SET NULL,
  guest           boolean NOT NULL DEFAULT false,
  body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  mentions        uuid[] NOT NULL DEFAULT '{}',
  time_seconds    double precision CHECK (time_seconds >= 0),
  end_seconds     double precision CHECK (end_seconds > time_seconds),
  region          jsonb,
  resolved_at     timestamptz,
  resolved_by     uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_board ON comments (board_id, created_at);
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

-- Append-only: who decided what about which variation, and when. The board shows the latest.
CREATE TABLE review_decisions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id      uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  variation_id  text NOT NULL,
  decision      text NOT NULL CHECK (decision IN ('approved', 'changes_requested')),
  decided_by    uuid NOT NULL REFERENCES users(id),
  note          text CHECK (length(note) <= 2000),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_decisions_variation ON review_decisions (board_id, variation_id, created_at);

-- A guest who opened a link (and gave its passphrase): the cookie holds a random token, stored hashed.
CREATE TABLE review_guest_sessions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  review_link_id  uuid NOT NULL REFERENCES review_links(id) ON DELETE CASCADE,
  token_hash      text NOT NULL UNIQUE CHECK (token_hash ~ '^[a-f0-9]{64}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_guest_sessions_link ON review_guest_sessions (review_link_id);
