-- The public API, version 12: workspace API keys and idempotent POSTs (issue 14).

-- A key acts in its workspace as the member who created it, capped by its scopes. The secret is
-- 32 random bytes shown once; only its sha256 is kept, and a key is looked up by its id (which
-- the key carries in clear), so no index over the hashes is needed.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  scopes        text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@ ARRAY['read', 'generate', 'review', 'admin']),
  secret_hash   text NOT NULL CHECK (secret_hash ~ '^[a-f0-9]{64}$'),
  -- The key stops working when its creator leaves the workspace (no membership, no role).
  created_by    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  revoked_by    uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at DESC);

-- One row per Idempotency-Key a caller sent on a POST that costs credits: the first request
-- claims it (response null while it runs), stores its answer, and a retry with the same key and
-- the same request gets that answer again instead of a second charge. `caller` is `key:<id>` or
-- `user:<id>`, so two callers never collide on the same key. Kept 24 hours.
CREATE TABLE idempotency_keys (
  caller          text NOT NULL,
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash    text NOT NULL CHECK (request_hash ~ '^[a-f0-9]{64}$'),
  response_status integer,
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- The API's lists walk a workspace's rows oldest first by (created_at, id), a cursor at a time.
CREATE INDEX generations_workspace_page ON generations (workspace_id, created_at, id);
CREATE INDEX assets_workspace_page ON assets (workspace_id, created_at, id);
