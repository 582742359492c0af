-- Workspace administration, version 17: archived boards, invites for one email address, and the
-- credits page's ledger reads.

-- An archived board leaves the workspace's list but keeps everything; restoring clears the stamp.
ALTER TABLE boards ADD COLUMN archived_at timestamptz;

-- The credits page reads a workspace's ledger newest first, within a date range.
CREATE INDEX credit_ledger_workspace_time ON credit_ledger (workspace_id, created_at DESC);

-- An invite made for an email address admits only the account that signs in with it (kept lower-cased).
ALTER TABLE workspace_invites ADD COLUMN email text CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254);
