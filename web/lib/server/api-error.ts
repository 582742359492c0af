import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, httpStatusFor } from '@montage/core'

/** The one mapping from a thrown error to a JSON response. */
export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AppError) {
    return NextResponse.json(
      { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } },
      { status: httpStatusFor(e.code) },
    )
  }
  console.error('[web] unhandled error', e)
  return NextResponse.json({ error: { code: 'INTERNAL', message: 'Something went wrong on our side. Try again in a moment.' } }, { status: 500 })
}

type Handler<C> = (req: Request, context: C) => Promise<Response>

/** Wraps a route handler so every error leaves through `errorResponse`. */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (req, context) => {
    try {
      return await handler(req, context)
    } catch (e) {
      return errorResponse(e)
    }
  }
}

/** Reads a JSON body; a body that is not JSON is a BAD_REQUEST, not a 500. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text()
  if (!text) return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'The request body is not valid JSON.')
  }
}
