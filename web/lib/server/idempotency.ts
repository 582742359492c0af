import { createHash } from 'node:crypto'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZIdempotencyKey } from '@montage/core'
import { claimIdempotencyKey, releaseIdempotencyKey, storeIdempotentResponse } from '@montage/db'
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
  if (claim.state === 'replay') {
    return NextResponse.json(claim.body, { status: claim.status, headers: { 'Idempotent-Replayed': 'true' } })
  }
  let done: { status: number; body: unknown }
  try {
    done = await run()
  } catch (e) {
    await releaseIdempotencyKey(sql, { caller: who, key })
    throw e
  }
  await storeIdempotentResponse(sql, { caller: who, key, status: done.status, body: done.body })
  return NextResponse.json(done.body, { status: done.status })
}
