import RunwayML, { APIConnectionError, APIError, APIUserAbortError } from '@runwayml/sdk'
import { z } from 'zod'

/*
 * Runway's task API through `@runwayml/sdk`. Everything that talks HTTP to Runway lives in this
 * file. The SDK's own retries are off: Runway's error table asks clients to retry 429 and 502–504
 * only (never 500, which is not transient), with exponential backoff and jitter, and our tests
 * need that backoff configurable; the loop below does it. Task answers are still checked with zod:
 * the SDK types them but does not validate, and a malformed answer must fail clearly.
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
  // `cost`: what Runway charged for the task (@runwayml/sdk 4.20 `TaskRetrieveResponse.Succeeded`);
  // absent from answers of API versions before it, so optional.
  z.object({ id: z.string().min(1), status: z.literal('SUCCEEDED'), output: z.array(z.string().url()).min(1), cost: z.object({ credits: z.number().min(0) }).nullish() }),
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

/** The SDK's per-request options (we pass the abort signal). */
type RequestOptions = NonNullable<Parameters<RunwayML['tasks']['retrieve']>[1]>

/**
 * A task to start: the endpoint under /v1 and its body, typed by the SDK's parameters for that
 * endpoint, so a field Runway renamed or a model it dropped fails to compile here.
 */
export type TRunwayTaskRequest =
  | { endpoint: 'image_to_video'; body: RunwayML.ImageToVideoCreateParams }
  | { endpoint: 'text_to_video'; body: RunwayML.TextToVideoCreateParams }
  | { endpoint: 'text_to_image'; body: RunwayML.TextToImageCreateParams }
  | { endpoint: 'video_to_video'; body: RunwayML.VideoToVideoCreateParams }
  | { endpoint: 'character_performance'; body: RunwayML.CharacterPerformanceCreateParams }
  | { endpoint: 'video_upscale'; body: RunwayML.VideoUpscaleCreateParams }
  | { endpoint: 'image_upscale'; body: RunwayML.ImageUpscaleCreateParams }
  | { endpoint: 'text_to_speech'; body: RunwayML.TextToSpeechCreateParams }
  | { endpoint: 'sound_effect'; body: RunwayML.SoundEffectCreateParams }

function create(sdk: RunwayML, request: TRunwayTaskRequest, options: RequestOptions): PromiseLike<{ id: string }> {
  switch (request.endpoint) {
    case 'image_to_video':
      return sdk.imageToVideo.create(request.body, options)
    case 'text_to_video':
      return sdk.textToVideo.create(request.body, options)
    case 'text_to_image':
      return sdk.textToImage.create(request.body, options)
    case 'video_to_video':
      return sdk.videoToVideo.create(request.body, options)
    case 'character_performance':
      return sdk.characterPerformance.create(request.body, options)
    case 'video_upscale':
      return sdk.videoUpscale.create(request.body, options)
    case 'image_upscale':
      return sdk.imageUpscale.create(request.body, options)
    case 'text_to_speech':
      return sdk.textToSpeech.create(request.body, options)
    case 'sound_effect':
      return sdk.soundEffect.create(request.body, options)
  }
}

export class RunwayClient {
  private readonly sdk: RunwayML
  private readonly maxAttempts: number
  private readonly backoffMs: number

  constructor(opts: RunwayClientOptions) {
    this.sdk = new RunwayML({
      apiKey: opts.apiSecret,
      baseURL: (opts.baseUrl ?? RUNWAY_API_BASE_URL).replace(/\/$/, ''),
      runwayVersion: RUNWAY_API_VERSION,
      maxRetries: 0,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })
    this.maxAttempts = opts.maxAttempts ?? 5
    this.backoffMs = opts.backoffMs ?? 1000
  }

  /** `POST /v1/{endpoint}`: starts a task and returns its id. */
  async createTask(request: TRunwayTaskRequest, signal?: AbortSignal): Promise<string> {
    const json: unknown = await this.call(`POST /v1/${request.endpoint}`, () => create(this.sdk, request, { signal }), signal)
    const parsed = z.object({ id: z.string().min(1) }).safeParse(json)
    if (!parsed.success) throw new RunwayApiError(`Runway answered the new task without a task id (${describe(json)}).`, false)
    return parsed.data.id
  }

  /** `GET /v1/tasks/{id}`. */
  async getTask(id: string, signal?: AbortSignal): Promise<TRunwayTask> {
    const json: unknown = await this.call(`GET /v1/tasks/${id}`, () => this.sdk.tasks.retrieve(id, { signal }), signal)
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
      await this.call(`DELETE /v1/tasks/${id}`, () => this.sdk.tasks.delete(id, { signal }), signal)
    } catch (e) {
      if (e instanceof RunwayApiError && e.status === 404) return
      throw e
    }
  }

  /** One SDK call with Runway's retry policy; every failure leaves as a RunwayApiError (or the abort reason). */
  private async call<T>(what: string, send: () => PromiseLike<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send()
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e
        if (e instanceof APIUserAbortError) throw e
        const error = toRunwayApiError(e, what)
        if (!error.retryable || attempt >= this.maxAttempts) throw error
        await this.backoff(attempt, e instanceof APIError ? e.headers?.get('retry-after') : undefined, signal)
      }
    }
  }

  private backoff(attempt: number, retryAfter: string | null | undefined, signal?: AbortSignal): Promise<void> {
    const base = this.backoffMs * 2 ** (attempt - 1)
    const asked = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 0
    // Jitter of up to 50%, as Runway asks, so many workers do not retry in step.
    return sleep(Math.max(base + Math.random() * base * 0.5, asked), signal)
  }
}

function toRunwayApiError(e: unknown, what: string): RunwayApiError {
  if (e instanceof RunwayApiError) return e
  if (e instanceof APIConnectionError) return new RunwayApiError(`Runway could not be reached (${e.cause instanceof Error ? e.cause.message : e.message}).`, true)
  if (e instanceof APIError && typeof e.status === 'number') {
    return new RunwayApiError(httpMessage(e.status, errorDetail(e.error)), RETRYABLE_STATUS.has(e.status), e.status)
  }
  // The SDK parses every success as JSON; a body that is not JSON surfaces here.
  return new RunwayApiError(`Runway answered ${what} with something we could not read (${(e as Error).message}).`, false)
}

/** Runway's error bodies are `{ "error": "…" }`; anything else is shown briefly as it came. */
function errorDetail(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') return (body as { error: string }).error
  if (typeof body === 'string') return body.slice(0, 200)
  return body === undefined ? '' : describe(body)
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
