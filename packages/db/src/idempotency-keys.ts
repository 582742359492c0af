import type { Sql } from './client'

/** How long a stored answer is replayed for a repeated Idempotency-Key. */
const IDEMPOTENCY_TTL = '24 hours'

export type TIdempotencyClaim =
  /** The caller's first use of the key: go ahead, then `storeIdempotentResponse` or `releaseIdempotencyKey`. */
  | { state: 'claimed' }
  /** The same request already finished: answer what it answered. */
  | { state: 'replay'; status: number; body: unknown }
  /** The same request is still running. */
  | { state: 'in_progress' }
  /** The key was used with another request (another route or body). */
  | { state: 'mismatch' }

/**
 * Claims `key` for this caller and request (`requestHash`: the sha256 of method, path and body).
 * Atomic: of two concurrent requests with the same key, exactly one is `claimed`.
 */
export async function claimIdempotencyKey(sql: Sql, opts: { caller: string; key: string; requestHash: string }): Promise<TIdempotencyClaim> {
  await sql`
    DELETE FROM idempotency_keys
    WHERE caller = ${opts.caller} AND key = ${opts.key} AND created_at < now() - ${IDEMPOTENCY_TTL}::interval`
  const inserted = await sql`
    INSERT INTO idempotency_keys (caller, key, request_hash) VALUES (${opts.caller}, ${opts.key}, ${opts.requestHash})
    ON CONFLICT (caller, key) DO NOTHING RETURNING key`
  if (inserted.length > 0) {
    // A few expired rows of anyone go per claim, so the table stays at a day's worth.
    await sql`DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < now() - ${IDEMPOTENCY_TTL}::interval LIMIT 20)`
    return { state: 'claimed' }
  }
  const [row] = await sql<{ request_hash: string; response_status: number | null; response_body: unknown }[]>`
    SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE caller = ${opts.caller} AND key = ${opts.key}`
  // Gone between the insert and the select (released by a failed first request): the retry may go ahead next time.
  if (!row) return { state: 'in_progress' }
  if (row.request_hash !== opts.requestHash) return { state: 'mismatch' }
  if (row.response_status === null) return { state: 'in_progress' }
  return { state: 'replay', status: row.response_status, body: row.response_body }
}

/** Keeps the answer of a claimed request, for its retries. */
export async function storeIdempotentResponse(sql: Sql, opts: { caller: string; key: string; status: number; body: unknown }): Promise<void> {
  await sql`
    UPDATE idempotency_keys SET response_status = ${opts.status}, response_body = ${sql.json(opts.body as never)}
    WHERE caller = ${opts.caller} AND key = ${opts.key}`
}

/** Gives a claimed key back after a refused or failed request (nothing was charged), so a retry runs again. */
export async function releaseIdempotencyKey(sql: Sql, opts: { caller: string; key: string }): Promise<void> {
  await sql`DELETE FROM idempotency_keys WHERE caller = ${opts.caller} AND key = ${opts.key} AND response_status IS NULL`
}
