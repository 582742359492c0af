-- Montage schema, version 1: identity, workspaces, boards, assets, generations, credits, board documents.

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The token subject: a local user id, or Clerk's user id in Clerk mode.
  auth_subject  text NOT NULL UNIQUE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  email         text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workspaces (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE member_role AS ENUM ('owner', 'producer', 'editor', 'reviewer');

CREATE TABLE memberships (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role          member_role NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE boards (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX boards_workspace ON boards (workspace_id);

-- Content-addressed media: the same bytes are stored once per workspace.
CREATE TABLE assets (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  sha256        text NOT NULL CHECK (sha256 ~ '^[a-f0-9]{64}$'),
  mime_type     text NOT NULL,
  byte_size     bigint NOT NULL CHECK (byte_size > 0),
  width         integer,
  height        integer,
  duration_ms   integer,
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, sha256)
);

CREATE TYPE generation_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE generations (
  id              uuid PRIMARY KEY,
  workspace_id    uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  board_id        uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  shot_id         text NOT NULL,
  variation_id    text NOT NULL,
  model           text NOT NULL,
  params          jsonb NOT NULL,
  status          generation_status NOT NULL DEFAULT 'queued',
  credits         integer NOT NULL CHECK (credits >= 0),
  output_asset    text,
  poster_asset    text,
  error           text,
  workflow_id     text NOT NULL UNIQUE,
  created_by      uuid NOT NULL REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  UNIQUE (board_id, variation_id)
);
CREATE INDEX generations_board ON generations (board_id, created_at);

-- Append-only credit ledger; a workspace's balance is the sum of its rows. One row per
-- (generation, kind) so a retried activity cannot charge twice.
CREATE TYPE credit_entry_kind AS ENUM ('grant', 'reserve', 'settle', 'release');

CREATE TABLE credit_ledger (
  id             bigserial PRIMARY KEY,
  workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind           credit_entry_kind NOT NULL,
  amount         integer NOT NULL,
  generation_id  uuid REFERENCES generations(id) ON DELETE SET NULL,
  note           text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (generation_id, kind)
);
CREATE INDEX credit_ledger_workspace ON credit_ledger (workspace_id);

-- Yjs updates of each board, appended as the collab-server stores them.
CREATE TABLE board_updates (
  id          bigserial PRIMARY KEY,
  board_id    uuid NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  update      bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_updates_board ON board_updates (board_id, id);
