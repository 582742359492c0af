-- Feed, version 6: where each member has read up to in each workspace's feed (the feed itself is a JetStream stream).
CREATE TABLE feed_reads (
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  -- The stream sequence of the last entry read.
  read_seq      bigint NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, workspace_id)
);
