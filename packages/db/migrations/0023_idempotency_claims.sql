-- A claim of an Idempotency-Key is one request's: `claim_id` names it, and `charged_at` is set in the
-- transaction that reserves the request's credits. A claim left without an answer by a server that
-- stopped can then be told apart: uncharged (nothing happened: a retry takes the key over) or
-- charged (its generations exist: a retry is told so rather than charged again).
ALTER TABLE idempotency_keys
  ADD COLUMN claim_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN charged_at timestamptz;
