import type postgres from 'postgres'
import { AppError, AppErrorCode } from '@montage/core'
import type { Sql } from './client'

/** How long a stored answer is replayed for a repeated Idempotency-Key. */
const IDEMPOTENCY_TTL = '24 hours'

/**
 * How long a claim may go unanswered before it counts as abandoned (its server stopped): far
 * longer than any request that costs credits takes (the slowest waits ~10 s for its board).
 */
export const IDEMPOTENCY_ABANDONED_AFTER_S = 120

export type TIdempotencyClaim =
  /** This request holds the key: go ahead, then `storeIdempotentResponse` or `releaseIdempotencyKey` with `claimId`. */
  | { state: 'claimed'; claimId: string }
  /** The same request already finished: answer what it answered. */
  | { state: 'replay'; status: number; body: unknown }
  /** The same request is still running. */
  | { state: 'in_progress' }
  /** The same request was charged, but its server stopped before answering; `chargedAt` is when. */
  | { state: 'charged_unanswered'; chargedAt: Date }
  /** The key was used with another request (another route or body). */
  | { state: 'mismatch' }

export interface TIdempotencyClaimRef {
  caller: string
  key: string
  claimId: string
}

/**
 * Claims `key` for this caller and request (`requestHash`: the sha256 of method, path and body).
 * Atomic: of two concurrent requests with the same key, exactly one is `claimed`. A claim of the
 * same request left unanswered and uncharged for IDEMPOTENCY_ABANDONED_AFTER_S is taken over
 * (its server stopped before charging anything); the old claim can then charge nothing
 * (`markIdempotentCharge` refuses it).
 */
export async function claimIdempotencyKey(sql: Sql, opts: { caller: string; key: string; requestHash: string }): Promise<TIdempotencyClaim> {
  await sql`
    DELETE FROM idempotency_keys
    WHERE caller = ${opts.caller} AND key = ${opts.key} AND created_at < now() - ${IDEMPOTENCY_TTL}::interval`
  const inserted = await sql<{ claim_id: string }[]>`
    INSERT INTO idempotency_keys (caller, key, request_hash) VALUES (${opts.caller}, ${opts.key}, ${opts.requestHash})
    ON CONFLICT (caller, key) DO NOTHING RETURNING claim_id`
  if (inserted.length > 0) {
    // A few expired rows of anyone go per claim, so the table stays at a day's worth.
    await sql`DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < now() - ${IDEMPOTENCY_TTL}::interval LIMIT 20)`
    return { state: 'claimed', claimId: inserted[0]!.claim_id }
  }
  const [takenOver] = await sql<{ claim_id: string }[]>`
    UPDATE idempotency_keys SET claim_id = gen_random_uuid(), created_at = now()
    WHERE caller = ${opts.caller} AND key = ${opts.key} AND request_hash = ${opts.requestHash}
      AND response_status IS NULL AND charged_at IS NULL
      AND created_at < now() - make_interval(secs => ${IDEMPOTENCY_ABANDONED_AFTER_S})
    RETURNING claim_id`
  if (takenOver) return { state: 'claimed', claimId: takenOver.claim_id }
  const [row] = await sql<{ request_hash: string; response_status: number | null; response_body: unknown; charged_at: Date | null; abandoned: boolean }[]>`
    SELECT request_hash, response_status, response_body, charged_at,
           created_at < now() - make_interval(secs => ${IDEMPOTENCY_ABANDONED_AFTER_S}) AS abandoned
    FROM idempotency_keys WHERE caller = ${opts.caller} AND key = ${opts.key}`
  // Gone between the insert and the select (released by a failed first request): the retry may go ahead next time.
  if (!row) return { state: 'in_progress' }
  if (row.request_hash !== opts.requestHash) return { state: 'mismatch' }
  if (row.response_status !== null) return { state: 'replay', status: row.response_status, body: row.response_body }
  if (row.charged_at && row.abandoned) return { state: 'charged_unanswered', chargedAt: row.charged_at }
  return { state: 'in_progress' }
}

/**
 * Marks the claim charged, in the transaction that reserves its credits. Refused (CONFLICT, so
 * the transaction and its charge roll back) when the claim is no longer this request's: a retry
 * took the key over after this request went quiet for IDEMPOTENCY_ABANDONED_AFTER_S.
 */
export async function markIdempotentCharge(tx: postgres.TransactionSql, claim: TIdempotencyClaimRef): Promise<void> {
  const marked = await tx`
    UPDATE idempotency_keys SET charged_at = now()
    WHERE caller = ${claim.caller} AND key = ${claim.key} AND claim_id = ${claim.claimId} AND response_status IS NULL
    RETURNING 1`
  if (marked.length === 0) {
    throw new AppError(AppErrorCode.CONFLICT, `Idempotency-Key "${claim.key}" was taken over by a retry of this request; nothing was charged here.`, { field: 'Idempotency-Key' })
  }
}

/** Keeps the answer of a claimed request, for its retries. */
export async function storeIdempotentResponse(sql: Sql, claim: TIdempotencyClaimRef & { status: number; body: unknown }): Promise<void> {
  await sql`
    UPDATE idempotency_keys SET response_status = ${claim.status}, response_body = ${sql.json(claim.body as never)}
    WHERE caller = ${claim.caller} AND key = ${claim.key} AND claim_id = ${claim.claimId}`
}

/** Gives a claimed key back after a refused or failed request (nothing was charged), so a retry runs again. */
export async function releaseIdempotencyKey(sql: Sql, claim: TIdempotencyClaimRef): Promise<void> {
  await sql`DELETE FROM idempotency_keys WHERE caller = ${claim.caller} AND key = ${claim.key} AND claim_id = ${claim.claimId} AND response_status IS NULL`
}
