-- Webhooks, version 13: a workspace subscribes URLs to its events; every send is recorded.

-- An endpoint of a workspace. The secret signs each delivery, so it is kept as given (unlike a
-- token that is only ever compared): whoever reads this table can sign as Montage to that URL.
CREATE TABLE webhook_endpoints (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  url           text NOT NULL CHECK (url ~ '^https?://'),
  description   text,
  events        text[] NOT NULL CHECK (cardinality(events) > 0),
  secret        text NOT NULL CHECK (secret ~ '^whsec_'),
  paused_at     timestamptz,
  created_by    uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, created_at);

-- One event sent (or held) to one endpoint. `event_id` names the event; the first delivery of an
-- event to an endpoint is unique, so a retried emitter records it once. A replay is a new row that
-- names the delivery it repeats and carries the same payload.
CREATE TABLE webhook_deliveries (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  endpoint_id   uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  event_type    text NOT NULL,
  event_id      text NOT NULL,
  payload       jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
  replay_of     uuid REFERENCES webhook_deliveries(id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- Set once its workflow is started; a pending row without it was stranded (Temporal unreachable,
  -- a process gone between the insert and the start), and the control worker's sweep starts it.
  started_at    timestamptz,
  finished_at   timestamptz
);
CREATE UNIQUE INDEX webhook_deliveries_first ON webhook_deliveries (endpoint_id, event_id) WHERE replay_of IS NULL;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);
CREATE INDEX webhook_deliveries_unstarted ON webhook_deliveries (created_at) WHERE status = 'pending' AND started_at IS NULL;

-- Every POST of a delivery and what came back (the first 2 KB of the answer).
CREATE TABLE webhook_attempts (
  delivery_id   uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt       int NOT NULL CHECK (attempt > 0),
  started_at    timestamptz NOT NULL,
  duration_ms   int NOT NULL CHECK (duration_ms >= 0),
  status_code   int,
  response_body text,
  error         text,
  PRIMARY KEY (delivery_id, attempt)
);
