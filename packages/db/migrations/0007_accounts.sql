-- Accounts, version 7: password sign-in for local mode, server-side sessions, workspace invites by link.

-- One password per user; the email is how they sign in (kept lower-cased, unique).
CREATE TABLE password_credentials (
  user_id        uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  email          text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  -- PHC-style `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`: the algorithm and its parameters travel
  -- with the hash, so they can be raised later and old hashes still verify (and get rehashed).
  password_hash  text NOT NULL CHECK (password_hash LIKE '$%'),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Every sign-in is a row; the token carries its id (`sid`), and every check reads this row, so
-- signing out (or revoking from the account page) ends the session everywhere at once.
CREATE TABLE auth_sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- `password`: email + password; `demo`: the passwordless demo sign-in (honoured only in demo mode).
  kind          text NOT NULL CHECK (kind IN ('password', 'demo')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  user_agent    text CHECK (length(user_agent) <= 400),
  CHECK (expires_at > created_at)
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id, created_at DESC);

-- A link that lets whoever opens it join a workspace with a role. Only the token's sha256 is kept.
CREATE TABLE workspace_invites (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  role          member_role NOT NULL,
  token_hash    text NOT NULL UNIQUE CHECK (token_hash ~ '^[a-f0-9]{64}$'),
  -- Who it is meant for, as the owner wrote it ("Ada, colourist"); shown only to owners.
  note          text CHECK (length(note) BETWEEN 1 AND 80),
  max_uses      integer NOT NULL DEFAULT 1 CHECK (max_uses BETWEEN 1 AND 100),
  use_count     integer NOT NULL DEFAULT 0 CHECK (use_count BETWEEN 0 AND max_uses),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  created_by    uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_invites_workspace ON workspace_invites (workspace_id, created_at DESC);

-- Who joined through which invite (the audit of an invite's uses).
CREATE TABLE workspace_invite_uses (
  invite_id  uuid NOT NULL REFERENCES workspace_invites(id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  used_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (invite_id, user_id)
);
