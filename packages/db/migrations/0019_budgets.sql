-- Budgets, version 19: a credit budget per board, and a price above which a job waits for a
-- producer's approval.

-- What the board's jobs may spend in all (credits charged by the ledger for its generations:
-- reserved and settled, refunds given back); NULL: no budget.
ALTER TABLE boards ADD COLUMN budget_credits integer CHECK (budget_credits BETWEEN 1 AND 100000000);

-- A job (one request: a batch counts as one) costing more than this waits for an owner's or a
-- producer's approval before anything is charged; NULL: no job waits.
ALTER TABLE workspaces ADD COLUMN approval_threshold integer CHECK (approval_threshold BETWEEN 0 AND 100000000);

-- A generation that waited for approval: 'awaiting' until decided, then who decided and when.
-- NULL for every job that never needed one. A refused job is also finished as 'cancelled'.
ALTER TABLE generations
  ADD COLUMN approval       text CHECK (approval IN ('awaiting', 'approved', 'refused')),
  ADD COLUMN approval_by    uuid REFERENCES users(id) ON DELETE SET NULL,
  ADD COLUMN approval_at    timestamptz;
CREATE INDEX generations_awaiting_approval ON generations (workspace_id) WHERE approval = 'awaiting';
