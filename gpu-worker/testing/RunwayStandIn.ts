import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RUNWAY_API_VERSION } from '../src/hosted/runway/RunwayClient'

/*
 * A local stand-in for Runway's task API, for tests only (Runway is outside our reach). It follows
 * the documented contract: bearer auth and X-Runway-Version on every call, POST /v1/<endpoint>
 * answering `{ id }`, GET /v1/tasks/{id} walking PENDING → THROTTLED → RUNNING (progress) →
 * SUCCEEDED (output URLs) or FAILED (failure, failureCode), DELETE /v1/tasks/{id} answering 204,
 * and 429 / 5xx with a JSON `error`, which a test injects with `failNext`.
 */

/** One answer of GET /v1/tasks/{id} without its id; `raw` sends the object as is (malformed answers). */
export type TStandInStep =
  | { status: 'PENDING' | 'THROTTLED' }
  | { status: 'RUNNING'; progress?: number }
  | { status: 'SUCCEEDED'; output: string[] }
  | { status: 'FAILED'; failure?: string; failureCode?: string }
  | { raw: unknown }

export interface TStandInTask {
  id: string
  endpoint: string
  body: Record<string, unknown>
  steps: TStandInStep[]
  polls: number
  deleted: boolean
}

export interface RunwayStandInOptions {
  apiSecret: string
  /** The steps a new task walks through; the last one repeats. */
  plan: (endpoint: string, body: Record<string, unknown>, standIn: RunwayStandIn) => TStandInStep[]
}

const ENDPOINTS = new Set(['image_to_video', 'text_to_video', 'text_to_image', 'video_to_video', 'character_performance', 'video_upscale', 'text_to_speech', 'sound_effect'])

/** Runway's preset voices for eleven_multilingual_v2 (@runwayml/sdk 4.20). */
const PRESET_VOICES = new Set([
  'Maya', 'Arjun', 'Serene', 'Bernard', 'Billy', 'Mark', 'Clint', 'Mabel', 'Chad', 'Leslie', 'Eleanor', 'Elias', 'Elliot',
  'Grungle', 'Brodie', 'Sandra', 'Kirk', 'Kylie', 'Lara', 'Lisa', 'Malachi', 'Marlene', 'Martin', 'Miriam', 'Monster',
  'Paula', 'Pip', 'Rusty', 'Ragnar', 'Xylar', 'Maggie', 'Jack', 'Katie', 'Noah', 'James', 'Rina', 'Ella', 'Mariah',
  'Frank', 'Claudia', 'Niki', 'Vincent', 'Kendrick', 'Myrna', 'Tom', 'Wanda', 'Benjamin', 'Kiana', 'Rachel',
])

export class RunwayStandIn {
  readonly tasks = new Map<string, TStandInTask>()
  readonly requests: Array<{ method: string; path: string; version?: string }> = []
  private readonly outputs = new Map<string, { bytes: Uint8Array; type: string }>()
  private readonly faults: Array<{ method: string; status: number }> = []
  private server: Server | undefined
  baseUrl = ''

  constructor(private readonly opts: RunwayStandInOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((e: unknown) => this.json(res, 500, { error: String(e) })))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  /** Serves `bytes` at a fresh output URL (what Runway's SUCCEEDED `output` points at). */
  addOutput(bytes: Uint8Array, type: string): string {
    const name = randomUUID()
    this.outputs.set(name, { bytes, type })
    return `${this.baseUrl}/outputs/${name}`
  }

  /** A URL that answers 404, as an expired output does. */
  goneOutputUrl(): string {
    return `${this.baseUrl}/outputs/${randomUUID()}`
  }

  /** The next API call with this method answers `status` (429, 500, 502, …) `count` times. */
  failNext(method: string, status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push({ method, status })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl)
    const method = req.method ?? 'GET'
    if (url.pathname.startsWith('/outputs/')) {
      const out = this.outputs.get(url.pathname.slice('/outputs/'.length))
      if (!out) return this.json(res, 404, { error: 'Not found' })
      res.writeHead(200, { 'Content-Type': out.type, 'Content-Length': out.bytes.byteLength })
      res.end(out.bytes)
      return
    }
    const version = req.headers['x-runway-version'] as string | undefined
    this.requests.push({ method, path: url.pathname, version })
    const body = await readBody(req)
    if (req.headers.authorization !== `Bearer ${this.opts.apiSecret}`) return this.json(res, 401, { error: 'Invalid API key.' })
    if (version !== RUNWAY_API_VERSION) return this.json(res, 400, { error: 'The X-Runway-Version header is missing or not supported.' })
    const faultAt = this.faults.findIndex((f) => f.method === method)
    if (faultAt >= 0) {
      const [fault] = this.faults.splice(faultAt, 1)
      return this.json(res, fault!.status, { error: fault!.status === 429 ? 'Too many requests.' : 'Service unavailable.' })
    }

    const taskMatch = /^\/v1\/tasks\/([^/]+)$/.exec(url.pathname)
    if (taskMatch) {
      const task = this.tasks.get(decodeURIComponent(taskMatch[1]!))
      if (!task || (task.deleted && method !== 'DELETE')) return this.json(res, 404, { error: 'Task not found.' })
      if (method === 'DELETE') {
        task.deleted = true
        res.writeHead(204).end()
        return
      }
      if (method !== 'GET') return this.json(res, 405, { error: 'Method not allowed.' })
      const step = task.steps[Math.min(task.polls, task.steps.length - 1)]!
      task.polls++
      if ('raw' in step) return this.json(res, 200, step.raw)
      return this.json(res, 200, { id: task.id, createdAt: new Date().toISOString(), ...step })
    }

    const endpoint = /^\/v1\/([a-z_]+)$/.exec(url.pathname)?.[1]
    if (!endpoint || !ENDPOINTS.has(endpoint)) return this.json(res, 404, { error: 'Not found.' })
    if (method !== 'POST') return this.json(res, 405, { error: 'Method not allowed.' })
    if (!body || typeof body !== 'object' || typeof (body as { model?: unknown }).model !== 'string') {
      return this.json(res, 400, { error: 'model: Required' })
    }
    const parsed = body as Record<string, unknown>
    const problem = CHECKS[endpoint]?.(parsed) ?? null
    if (problem) return this.json(res, 400, { error: problem })
    const id = randomUUID()
    this.tasks.set(id, { id, endpoint, body: parsed, steps: this.opts.plan(endpoint, parsed, this), polls: 0, deleted: false })
    return this.json(res, 200, { id })
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(body))
  }
}

/** Runway's documented reference-image tag: 3–16 characters, letters, digits or _, starting with a letter. */
const TAG = /^[A-Za-z][A-Za-z0-9_]{2,15}$/

/**
 * What Runway documents for POST /v1/text_to_image: a promptText, a ratio, and up to three
 * `referenceImages` `{ uri, tag? }` (an HTTPS URL or a data URI of an image); gen4_image_turbo needs at
 * least one. Returns the error Runway would give, or null.
 */
function checkTextToImage(body: Record<string, unknown>): string | null {
  if (typeof body.promptText !== 'string' || body.promptText.length < 1 || body.promptText.length > 1000) return 'promptText: must be 1–1000 characters'
  if (typeof body.ratio !== 'string') return 'ratio: Required'
  const refs = body.referenceImages
  if (refs === undefined) return body.model === 'gen4_image_turbo' ? 'referenceImages: gen4_image_turbo needs at least one reference image' : null
  if (!Array.isArray(refs) || refs.length < 1 || refs.length > 3) return 'referenceImages: must hold 1 to 3 images'
  for (const [i, ref] of refs.entries()) {
    if (!ref || typeof ref !== 'object') return `referenceImages.${i}: must be an object`
    const { uri, tag, ...rest } = ref as Record<string, unknown>
    if (Object.keys(rest).length > 0) return `referenceImages.${i}: unknown field ${Object.keys(rest)[0]}`
    if (typeof uri !== 'string' || !/^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/.test(uri)) return `referenceImages.${i}.uri: must be an HTTPS URL or an image data URI`
    if (tag !== undefined && (typeof tag !== 'string' || !TAG.test(tag))) return `referenceImages.${i}.tag: must be 3–16 letters, digits or _, starting with a letter`
  }
  return null
}

/** The first field of `body` that is not in `known`, as Runway's error would name it; or null. */
function unknownField(body: Record<string, unknown>, known: readonly string[]): string | null {
  const extra = Object.keys(body).find((k) => !known.includes(k))
  return extra ? `${extra}: unknown field` : null
}

/** A video input as Runway documents it: an HTTPS URL, or a base64 video data URI of at most 16 MB. */
function checkVideoUri(field: string, uri: unknown): string | null {
  if (typeof uri !== 'string') return `${field}: Required`
  if (/^https:\/\//.test(uri)) return null
  if (!/^data:video\/(mp4|quicktime|webm);base64,/.test(uri)) return `${field}: must be an HTTPS URL or a video data URI`
  return uri.length > 16 * 1024 * 1024 ? `${field}: a data URI may be at most 16 MB` : null
}

function checkSeed(seed: unknown): string | null {
  return seed === undefined || (Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 4_294_967_295) ? null : 'seed: must be an integer from 0 to 4294967295'
}

/**
 * What Runway documents for POST /v1/video_to_video with model `aleph2`: the clip as `videoUri`,
 * an optional non-empty `promptText` (at most 1000 characters) and `seed`, plus options we do not
 * send (`keyframes`, `targetAspectRatio`, `outputFormat`, `proresProfile`, `contentModeration`,
 * the deprecated `ratio`). The endpoint's other models are not ours and are refused here.
 */
function checkVideoToVideo(body: Record<string, unknown>): string | null {
  if (body.model !== 'aleph2') return `model: ${String(body.model)} is not a video_to_video model this stand-in knows`
  const known = ['model', 'videoUri', 'promptText', 'seed', 'keyframes', 'targetAspectRatio', 'outputFormat', 'proresProfile', 'contentModeration', 'ratio']
  const promptText = body.promptText
  if (promptText !== undefined && (typeof promptText !== 'string' || promptText.length < 1 || promptText.length > 1000)) return 'promptText: must be 1–1000 characters'
  return unknownField(body, known) ?? checkVideoUri('videoUri', body.videoUri) ?? checkSeed(body.seed)
}

/**
 * What Runway documents for POST /v1/video_upscale: `magnific_video_upscaler_creative` (with its
 * optional controls) or `enhance_frame_rate` (with `targetFramerate`), each with `videoUri`. The
 * older `upscale_v1` is gone from the API (@runwayml/sdk 3.12.0: "Sunset upscale endpoint").
 */
function checkVideoUpscale(body: Record<string, unknown>): string | null {
  if (body.model === 'magnific_video_upscaler_creative') {
    return unknownField(body, ['model', 'videoUri', 'creativity', 'flavor', 'fpsBoost', 'resolution', 'sharpen', 'smartGrain']) ?? checkVideoUri('videoUri', body.videoUri)
  }
  if (body.model === 'enhance_frame_rate') {
    if (typeof body.targetFramerate !== 'string') return 'targetFramerate: Required'
    return unknownField(body, ['model', 'videoUri', 'targetFramerate']) ?? checkVideoUri('videoUri', body.videoUri)
  }
  return `model: ${String(body.model)} is not a video_upscale model (expected magnific_video_upscaler_creative or enhance_frame_rate)`
}

/**
 * What Runway documents for POST /v1/text_to_speech with model `eleven_multilingual_v2`: a
 * non-empty `promptText` of at most 1000 UTF-16 code units and `voice: { type: 'runway-preset',
 * presetId }` naming one of its preset voices. (The endpoint's other models are not ours.)
 */
function checkTextToSpeech(body: Record<string, unknown>): string | null {
  if (body.model !== 'eleven_multilingual_v2') return `model: ${String(body.model)} is not a text_to_speech model this stand-in knows`
  if (typeof body.promptText !== 'string' || body.promptText.length < 1 || body.promptText.length > 1000) return 'promptText: must be 1–1000 characters'
  const voice = body.voice as Record<string, unknown> | undefined
  if (!voice || typeof voice !== 'object') return 'voice: Required'
  if (voice.type !== 'runway-preset') return "voice.type: must be 'runway-preset'"
  if (typeof voice.presetId !== 'string' || !PRESET_VOICES.has(voice.presetId)) return `voice.presetId: ${String(voice.presetId)} is not a preset voice`
  return unknownField(body, ['model', 'promptText', 'voice']) ?? unknownField(voice, ['type', 'presetId'])
}

/**
 * What Runway documents for POST /v1/sound_effect with model `eleven_text_to_sound_v2`: a
 * non-empty `promptText`, an optional `duration` from 0.5 to 30 seconds and an optional `loop`.
 */
function checkSoundEffect(body: Record<string, unknown>): string | null {
  if (body.model !== 'eleven_text_to_sound_v2') return `model: ${String(body.model)} is not a sound_effect model this stand-in knows`
  if (typeof body.promptText !== 'string' || body.promptText.length < 1) return 'promptText: must be a non-empty string'
  const { duration, loop } = body
  if (duration !== undefined && (typeof duration !== 'number' || duration < 0.5 || duration > 30)) return 'duration: must be a number from 0.5 to 30'
  if (loop !== undefined && typeof loop !== 'boolean') return 'loop: must be a boolean'
  return unknownField(body, ['model', 'promptText', 'duration', 'loop'])
}

/** The endpoints whose bodies the stand-in checks as Runway documents them. */
const CHECKS: Partial<Record<string, (body: Record<string, unknown>) => string | null>> = {
  text_to_image: checkTextToImage,
  video_to_video: checkVideoToVideo,
  video_upscale: checkVideoUpscale,
  text_to_speech: checkTextToSpeech,
  sound_effect: checkSoundEffect,
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  if (!chunks.length) return undefined
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    return undefined
  }
}
