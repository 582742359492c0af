import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import type postgres from 'postgres'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZIdempotencyKey } from '@montage/core'
import { claimIdempotencyKey, markIdempotentCharge, releaseIdempotencyKey, storeIdempotentResponse, type TIdempotencyClaimRef } from '@montage/db'
import type { TCaller } from './caller'
import { db } from './context'

export const IDEMPOTENCY_HEADER = 'Idempotency-Key'

/** JSON with object keys sorted, so the same request written in another key order hashes alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * Runs a POST that costs credits at most once per `Idempotency-Key` (when the request sends one):
 * the first request with a key runs and its answer is kept for 24 hours; a retry with the same key
 * and the same request (method, path, body) gets that answer again (`Idempotent-Replayed: true`)
 * and is charged nothing. The same key with another request is CONFLICT naming the key, as is a
 * retry while the first is still running. A request that is refused or fails gives its key back,
 * since nothing was charged, so the retry runs for real. Keys belong to their caller (the person,
 * or the API key), so two callers never collide.
 *
 * A server that stops mid-request leaves its claim unanswered. The claim is marked charged in the
 * transaction that reserves the credits (`chargeUnderIdempotencyKey`), so a retry two minutes on
 * either takes the key over (nothing was charged) or is told the first was charged and its answer
 * lost (CONFLICT: its generations exist), and never pays twice.
 */
export async function idempotentResponse(req: Request, caller: TCaller, body: unknown, run: () => Promise<{ status: number; body: unknown }>): Promise<NextResponse> {
  const header = req.headers.get(IDEMPOTENCY_HEADER)
  if (header === null) {
    const done = await run()
    return NextResponse.json(done.body, { status: done.status })
  }
  const parsed = ZIdempotencyKey.safeParse(header)
  if (!parsed.success) throw new AppError(AppErrorCode.BAD_REQUEST, `${IDEMPOTENCY_HEADER}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`, { field: IDEMPOTENCY_HEADER })
  const key = parsed.data
  const who = caller.apiKey ? `key:${caller.apiKey.id}` : `user:${caller.userId}`
  const requestHash = createHash('sha256').update(`${req.method} ${new URL(req.url).pathname}\n${canonicalJson(body)}`).digest('hex')
  const sql = db()
  const claim = await claimIdempotencyKey(sql, { caller: who, key, requestHash })
  if (claim.state === 'mismatch') {
    throw new AppError(AppErrorCode.CONFLICT, `${IDEMPOTENCY_HEADER} "${key}" was already used with a different request; send a new key for a new request.`, { field: IDEMPOTENCY_HEADER })
  }
  if (claim.state === 'in_progress') {
    throw new AppError(AppErrorCode.CONFLICT, `A request with ${IDEMPOTENCY_HEADER} "${key}" is still running; retry in a moment.`, { field: IDEMPOTENCY_HEADER })
  }
  if (claim.state === 'charged_unanswered') {
    throw new AppError(
      AppErrorCode.CONFLICT,
      `A request with ${IDEMPOTENCY_HEADER} "${key}" was charged at ${claim.chargedAt.toISOString()}, but the server stopped before answering it. Its generations exist: look them up (GET /api/generations) rather than retrying, or send a new key to start another.`,
      { field: IDEMPOTENCY_HEADER },
    )
  }
  if (claim.state === 'replay') {
    return NextResponse.json(claim.body, { status: claim.status, headers: { 'Idempotent-Replayed': 'true' } })
  }
  const held: TIdempotencyClaimRef = { caller: who, key, claimId: claim.claimId }
  let done: { status: number; body: unknown }
  try {
    done = await heldClaims.run(held, run)
  } catch (e) {
    await releaseIdempotencyKey(sql, held)
    throw e
  }
  await storeIdempotentResponse(sql, { ...held, status: done.status, body: done.body })
  return NextResponse.json(done.body, { status: done.status })
}

/** The claim of the request being run by `idempotentResponse`, for the transaction that charges it. */
const heldClaims = new AsyncLocalStorage<TIdempotencyClaimRef>()

/**
 * Marks the running request's Idempotency-Key charged, inside the transaction that reserves its
 * credits (`storeAndStartGenerations`); nothing when the request sent no key. Throws CONFLICT, and
 * so rolls the charge back, when a retry has taken the key over.
 */
export async function chargeUnderIdempotencyKey(tx: postgres.TransactionSql): Promise<void> {
  const held = heldClaims.getStore()
  if (held) await markIdempotentCharge(tx, held)
}
