import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, httpStatusFor } from '@montage/core'
import { logger } from './logger'

/** The one mapping from a thrown error to a JSON response. */
export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AppError) {
    // Refusals are the API working as meant (a 401 on every signed-out poll): visible at debug.
    logger().debug({ code: e.code, status: httpStatusFor(e.code) }, `refused: ${e.message}`)
    const headers: Record<string, string> = e.retryAfterSeconds !== undefined ? { 'Retry-After': String(e.retryAfterSeconds) } : {}
    return NextResponse.json(e.toJSON(), { status: httpStatusFor(e.code), headers })
  }
  logger().error({ err: e }, 'unhandled error')
  return NextResponse.json({ error: { code: 'INTERNAL', message: 'Something went wrong on our side. Try again in a moment.' } }, { status: 500 })
}

type Handler<C> = (req: Request, context: C) => Promise<Response>

/**
 * Wraps a route handler so every error leaves through `errorResponse`. An error answered before
 * the request's body was read to its end (a refused upload, an oversize prompt) also says
 * `Connection: close`: the rest of that body is still on the connection, so it cannot carry
 * another request; the web server then closes it cleanly (`lingeringClose`) and the client's next
 * request goes on a new one.
 */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (req, context) => {
    try {
      return await handler(req, context)
    } catch (e) {
      const res = errorResponse(e)
      if (!(await bodyFullyRead(req))) res.headers.set('Connection', 'close')
      return res
    }
  }
}

/** A small unread rest (a JSON body refused before it was parsed) is read here, so its connection can stay. */
const DRAIN_BYTES = 64 * 1024

/**
 * Whether nothing of the request body is left unread, without waiting for a slow client: what has
 * already arrived is read, up to DRAIN_BYTES; a body still held by a reader, larger than that, or
 * with bytes still to come, is not. Readers must release the body (`releaseLock`), never `cancel`
 * it: cancelling destroys the socket before the answer is sent.
 */
async function bodyFullyRead(req: Request): Promise<boolean> {
  if (!req.body) return true
  if (req.body.locked) return false
  const reader = req.body.getReader()
  try {
    for (let drained = 0; drained <= DRAIN_BYTES; ) {
      const next = await Promise.race([reader.read().catch(() => null), new Promise<null>((r) => setImmediate(() => r(null)))])
      if (next === null) return false
      if (next.done) return true
      drained += next.value.byteLength
    }
    return false
  } finally {
    reader.releaseLock()
  }
}

/**
 * The most a JSON request body may hold. Every JSON body we take (prompts, params, comments with
 * their drawn regions) is a few KB; the cap stops a client from making the server buffer and
 * parse megabytes before the schema can refuse them.
 */
export const MAX_JSON_BODY_BYTES = 512 * 1024

/**
 * Reads a JSON body of at most `maxBytes`; a body that is not JSON is a BAD_REQUEST and a bigger
 * one a PAYLOAD_TOO_LARGE (read no further than the cap), never a 500.
 */
export async function readJson(req: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const tooLarge = () => new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${Math.round(maxBytes / 1024)} KB.`)
  const declared = Number(req.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  if (req.body) {
    const reader = req.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        reader.releaseLock() // not cancel: see bodyFullyRead
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks))
  if (!text) return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'The request body is not valid JSON.')
  }
}
