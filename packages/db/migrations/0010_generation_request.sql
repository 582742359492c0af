-- Generations, version 10: the request each generation was started with (model, prompt, params,
-- references; an edit's parent and focus), as the web stored it. Retry starts the same request
-- again from this row, so a generation stays retryable after Temporal has dropped its workflow
-- history. Null for rows stored before this migration.
ALTER TABLE generations ADD COLUMN request jsonb;
