/**
 * The browser's one way to call the JSON API. Every route answers a refusal as
 * `{ error: { code, message, field? } }` (`lib/server/api-error.ts`); this turns it into an
 * ApiRefusal carrying the server's own words, so no caller reads error bodies by hand.
 */

/** What the person sees when the request never reached the server. */
export const UNREACHABLE = 'Could not reach the server. Check your connection and try again.'

/** A refusal from the API, with its code and the field it names (400s name the field they refuse); status 0 when the server was not reached. */
export class ApiRefusal extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field: string | null,
    /** `AppErrorCode` from the server; `HTTP` when its answer carried none, `NETWORK` when there was no answer. */
    readonly code: string = 'HTTP',
  ) {
    super(message)
  }
}

/** The message to show when the server refused without words of its own (a proxy's error page). */
export type TFallbackMessage = (status: number) => string

const refusedWithoutWords: TFallbackMessage = (status) => `The server refused (${status}).`

/** The refusal an error answer stands for: its body's `error` when there is one. Also for XHR uploads, which cannot use fetch. */
export function refusalOf(status: number, body: unknown, fallback: TFallbackMessage = refusedWithoutWords): ApiRefusal {
  const error = body && typeof body === 'object' ? (body as { error?: { message?: unknown; field?: unknown; code?: unknown } }).error : undefined
  const message = typeof error?.message === 'string' ? error.message : fallback(status)
  return new ApiRefusal(message, status, typeof error?.field === 'string' ? error.field : null, typeof error?.code === 'string' ? error.code : 'HTTP')
}

export interface TRequestJsonOptions {
  /** GET without a body, POST with one, unless named. */
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** Sent as JSON. */
  body?: unknown
  cache?: RequestCache
  /** What to say when a refusal carries no message (default: "The server refused (<status>)."). */
  fallback?: TFallbackMessage
}

/** Sends a request to the API and returns its JSON answer; a refusal (or no answer) throws an ApiRefusal. */
export async function requestJson<T>(url: string, { method, body, cache, fallback }: TRequestJsonOptions = {}): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache,
    })
  } catch {
    throw new ApiRefusal(UNREACHABLE, 0, null, 'NETWORK')
  }
  const json: unknown = await res.json().catch(() => null)
  if (!res.ok || json === null) throw refusalOf(res.status, json, fallback)
  return json as T
}
