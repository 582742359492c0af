import { z } from 'zod'

/*
 * Runway's task API over plain fetch (`@runwayml/sdk` is not installed in this repo). Everything
 * that talks HTTP to Runway lives in this file, so moving to the SDK later replaces this file only.
 */

export const RUNWAY_API_BASE_URL = 'https://api.dev.runwayml.com'
/** The API version this adapter is written against; Runway requires it on every request. */
export const RUNWAY_API_VERSION = '2024-11-06'

export const ZRunwayTaskStatus = z.enum(['PENDING', 'THROTTLED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'])

/** `GET /v1/tasks/{id}`. Unknown extra fields are allowed; a missing or wrong field is a malformed answer. */
export const ZRunwayTask = z.discriminatedUnion('status', [
  z.object({ id: z.string().min(1), status: z.literal('PENDING') }),
  z.object({ id: z.string().min(1), status: z.literal('THROTTLED') }),
  z.object({ id: z.string().min(1), status: z.literal('RUNNING'), progress: z.number().min(0).max(1).nullish() }),
  z.object({ id: z.string().min(1), status: z.literal('SUCCEEDED'), output: z.array(z.string().url()).min(1) }),
  z.object({ id: z.string().min(1), status: z.literal('FAILED'), failure: z.string().nullish(), failureCode: z.string().nullish() }),
  z.object({ id: z.string().min(1), status: z.literal('CANCELLED') }),
])
export type TRunwayTask = z.infer<typeof ZRunwayTask>

/** A Runway call that failed; `retryable` follows Runway's HTTP error table (429 and 502–504 only). */
export class RunwayApiError extends Error {
  override name = 'RunwayApiError'
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message)
  }
}

export interface RunwayClientOptions {
  apiSecret: string
  baseUrl?: string
  /** Attempts per call on 429 / 5xx / network errors, with exponential backoff and jitter. */
  maxAttempts?: number
  /** First backoff, in ms (doubled each attempt, plus up to 50% jitter). */
  backoffMs?: number
  fetch?: typeof fetch
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504])

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export class RunwayClient {
  private readonly baseUrl: string
  private readonly maxAttempts: number
  private readonly backoffMs: number
  private readonly fetchImpl: typeof fetch

  constructor(private readonly opts: RunwayClientOptions) {
    this.baseUrl = (opts.baseUrl ?? RUNWAY_API_BASE_URL).replace(/\/$/, '')
    this.maxAttempts = opts.maxAttempts ?? 5
    this.backoffMs = opts.backoffMs ?? 1000
    this.fetchImpl = opts.fetch ?? fetch
  }

  /** `POST /v1/{endpoint}`: starts a task and returns its id. */
  async createTask(endpoint: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
    const json = await this.request('POST', `/v1/${endpoint}`, body, signal)
    const parsed = z.object({ id: z.string().min(1) }).safeParse(json)
    if (!parsed.success) throw new RunwayApiError(`Runway answered the new task without a task id (${describe(json)}).`, false)
    return parsed.data.id
  }

  /** `GET /v1/tasks/{id}`. */
  async getTask(id: string, signal?: AbortSignal): Promise<TRunwayTask> {
    const json = await this.request('GET', `/v1/tasks/${encodeURIComponent(id)}`, undefined, signal)
    const parsed = ZRunwayTask.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new RunwayApiError(`Runway sent a malformed task (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}).`, false)
    }
    return parsed.data
  }

  /** `DELETE /v1/tasks/{id}`: cancels a running task (deletes a finished one). A task already gone is fine. */
  async deleteTask(id: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.request('DELETE', `/v1/tasks/${encodeURIComponent(id)}`, undefined, signal)
    } catch (e) {
      if (e instanceof RunwayApiError && e.status === 404) return
      throw e
    }
  }

  private async request(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      let res: Response
      try {
        res = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${this.opts.apiSecret}`,
            'X-Runway-Version': RUNWAY_API_VERSION,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        })
      } catch (e) {
        if (signal?.aborted) throw e
        if (attempt >= this.maxAttempts) throw new RunwayApiError(`Runway could not be reached (${(e as Error).message}).`, true)
        await this.backoff(attempt, undefined, signal)
        continue
      }
      if (res.ok) {
        if (res.status === 204) return undefined
        const text = await res.text()
        if (!text) return undefined
        try {
          return JSON.parse(text) as unknown
        } catch {
          throw new RunwayApiError(`Runway answered ${method} ${path} with something that is not JSON.`, false, res.status)
        }
      }
      const message = await errorMessage(res)
      if (RETRYABLE_STATUS.has(res.status) && attempt < this.maxAttempts) {
        await this.backoff(attempt, res.headers.get('retry-after'), signal)
        continue
      }
      throw new RunwayApiError(httpMessage(res.status, message), RETRYABLE_STATUS.has(res.status), res.status)
    }
  }

  private backoff(attempt: number, retryAfter: string | null | undefined, signal?: AbortSignal): Promise<void> {
    const base = this.backoffMs * 2 ** (attempt - 1)
    const asked = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 0
    // Jitter of up to 50%, as Runway asks, so many workers do not retry in step.
    return sleep(Math.max(base + Math.random() * base * 0.5, asked), signal)
  }
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '')
  try {
    const json = JSON.parse(text) as { error?: unknown }
    if (typeof json.error === 'string') return json.error
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200)
}

function httpMessage(status: number, detail: string): string {
  const suffix = detail ? `: ${detail}` : ''
  switch (status) {
    case 400:
      return `Runway refused the request${suffix}`
    case 401:
      return 'Runway refused the API key (RUNWAYML_API_SECRET is not valid).'
    case 404:
      return `Runway does not know this task${suffix}`
    case 429:
      return 'Runway is rate-limiting this account; try again shortly.'
    default:
      return status >= 500 ? `Runway is unavailable right now (HTTP ${status}).` : `Runway answered HTTP ${status}${suffix}`
  }
}

function describe(json: unknown): string {
  return JSON.stringify(json)?.slice(0, 120) ?? String(json)
}
