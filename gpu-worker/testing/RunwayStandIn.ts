import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RUNWAY_API_VERSION } from '../src/hosted/runway/RunwayClient'

/*
 * A local stand-in for Runway's task API, for tests only (Runway is outside our reach). It follows
 * the documented contract: bearer auth and X-Runway-Version on every call, POST /v1/<endpoint>
 * answering `{ id }`, GET /v1/tasks/{id} walking PENDING → THROTTLED → RUNNING (progress) →
 * SUCCEEDED (output URLs) or FAILED (failure, failureCode), DELETE /v1/tasks/{id} answering 204,
 * and 429 / 5xx with a JSON `error`, which a test injects with `failNext`. Every endpoint's body is
 * checked against what @runwayml/sdk 4.20 types for the models we send and refused with a 400
 * naming the field, as Runway does.
 */

/** One answer of GET /v1/tasks/{id} without its id; `raw` sends the object as is (malformed answers). */
export type TStandInStep =
  | { status: 'PENDING' | 'THROTTLED' }
  | { status: 'RUNNING'; progress?: number }
  /** `cost`: the credits Runway reports it charged (@runwayml/sdk 4.20 `Succeeded.cost`). */
  | { status: 'SUCCEEDED'; output: string[]; cost?: { credits: number } }
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

const ENDPOINTS = new Set(['image_to_video', 'text_to_video', 'text_to_image', 'video_to_video', 'character_performance', 'video_upscale', 'image_upscale', 'text_to_speech', 'sound_effect'])

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
    const problem = CHECKS[endpoint]!(parsed)
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
 * What @runwayml/sdk 4.20 types for POST /v1/text_to_image, for the models we send: each model's
 * fields, its ratios, how many `referenceImages` `{ uri, tag? }` it takes (gen4_image_turbo needs
 * one at least). Returns the error Runway would give, or null.
 */
const TEXT_TO_IMAGE: Record<string, { fields: readonly string[]; ratios: readonly string[]; maxRefs: number; promptMax: number }> = {
  gen4_image: {
    fields: ['model', 'promptText', 'ratio', 'referenceImages', 'seed', 'contentModeration'],
    ratios: ['1920:1080', '1080:1920', '1024:1024', '1360:768', '1080:1080', '1168:880', '1440:1080', '1080:1440', '1808:768', '2112:912', '1280:720', '720:1280', '720:720', '960:720', '720:960', '1680:720'],
    maxRefs: 3,
    promptMax: 1000,
  },
  gpt_image_2: {
    fields: ['model', 'promptText', 'ratio', 'background', 'outputCount', 'quality', 'referenceImages'],
    ratios: ['1920:1088', '1088:1920', '1920:1920', '2560:1440', '1440:2560', '2560:2560', 'auto'],
    maxRefs: 16,
    promptMax: 32_000,
  },
  'gemini_2.5_flash': {
    fields: ['model', 'promptText', 'ratio', 'referenceImages'],
    ratios: ['1344:768', '768:1344', '1024:1024', '1184:864', '864:1184', '1536:672', '832:1248', '1248:832', '896:1152', '1152:896'],
    maxRefs: 3,
    promptMax: 1000,
  },
  'gemini_image3.1_flash': { fields: ['model', 'promptText', 'ratio', 'outputCount', 'referenceImages'], ratios: ['1344:768', '768:1344', '1024:1024', '2048:2048'], maxRefs: 14, promptMax: 1000 },
  gemini_image3_pro: { fields: ['model', 'promptText', 'ratio', 'outputCount', 'referenceImages'], ratios: ['1344:768', '768:1344', '1024:1024', '2048:2048'], maxRefs: 14, promptMax: 1000 },
}
TEXT_TO_IMAGE.gen4_image_turbo = TEXT_TO_IMAGE.gen4_image!

function checkTextToImage(body: Record<string, unknown>): string | null {
  const rules = TEXT_TO_IMAGE[String(body.model)]
  if (!rules) return `model: ${String(body.model)} is not a text_to_image model this stand-in knows`
  if (typeof body.promptText !== 'string' || body.promptText.length < 1 || body.promptText.length > rules.promptMax) return `promptText: must be 1–${rules.promptMax} characters`
  if (typeof body.ratio !== 'string') return 'ratio: Required'
  if (!rules.ratios.includes(body.ratio)) return `ratio: ${body.ratio} is not a ratio ${String(body.model)} makes`
  if (body.quality !== undefined && !['low', 'medium', 'high', 'auto'].includes(String(body.quality))) return 'quality: must be low, medium, high or auto'
  const refs = body.referenceImages
  if (refs === undefined) return body.model === 'gen4_image_turbo' ? 'referenceImages: gen4_image_turbo needs at least one reference image' : unknownField(body, rules.fields) ?? checkSeed(body.seed)
  if (!Array.isArray(refs) || refs.length < 1 || refs.length > rules.maxRefs) return `referenceImages: must hold 1 to ${rules.maxRefs} images`
  for (const [i, ref] of refs.entries()) {
    if (!ref || typeof ref !== 'object') return `referenceImages.${i}: must be an object`
    const { uri, tag, ...rest } = ref as Record<string, unknown>
    if (Object.keys(rest).length > 0) return `referenceImages.${i}: unknown field ${Object.keys(rest)[0]}`
    const bad = checkImageUri(`referenceImages.${i}.uri`, uri)
    if (bad) return bad
    if (tag !== undefined && (typeof tag !== 'string' || !TAG.test(tag))) return `referenceImages.${i}.tag: must be 3–16 letters, digits or _, starting with a letter`
  }
  return unknownField(body, rules.fields) ?? checkSeed(body.seed)
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

/** An image input: an HTTPS URL, or a base64 image data URI of at most 5 MB. */
function checkImageUri(field: string, uri: unknown): string | null {
  if (typeof uri !== 'string') return `${field}: Required`
  if (/^https:\/\//.test(uri)) return null
  if (!/^data:image\/(png|jpeg|webp);base64,/.test(uri)) return `${field}: must be an HTTPS URL or an image data URI`
  return uri.length > 5 * 1024 * 1024 ? `${field}: a data URI may be at most 5 MB` : null
}

function checkPromptText(body: Record<string, unknown>, required: boolean, max = 1000): string | null {
  const text = body.promptText
  if (text === undefined) return required ? 'promptText: Required' : null
  return typeof text === 'string' && text.length >= 1 && text.length <= max ? null : `promptText: must be 1–${max} characters`
}

/**
 * A `promptImage` as the SDK types it: a URI, or an array of `{ uri, position }` whose positions
 * are among `positions` (Gen-4.5 'first' only; Veo and Seedance 'first' and 'last'), each at most
 * once, a last frame only with a first.
 */
function checkPromptImage(value: unknown, positions: readonly string[], optionalPosition = false): string | null {
  if (typeof value === 'string') return checkImageUri('promptImage', value)
  if (!Array.isArray(value) || value.length < 1 || value.length > positions.length) return `promptImage: must be an image URI or 1–${positions.length} positioned images`
  const seen = new Set<string>()
  for (const [i, entry] of value.entries()) {
    if (!entry || typeof entry !== 'object') return `promptImage.${i}: must be an object`
    const { uri, position, ...rest } = entry as Record<string, unknown>
    if (Object.keys(rest).length > 0) return `promptImage.${i}: unknown field ${Object.keys(rest)[0]}`
    if (position === undefined && optionalPosition) continue
    if (typeof position !== 'string' || !positions.includes(position)) return `promptImage.${i}.position: must be ${positions.join(' or ')}`
    if (seen.has(position)) return `promptImage.${i}.position: ${position} given twice`
    seen.add(position)
    const bad = checkImageUri(`promptImage.${i}.uri`, uri)
    if (bad) return bad
  }
  if (seen.has('last') && !seen.has('first')) return 'promptImage: a last frame needs a first frame'
  return null
}

/** What each video model takes on image_to_video and text_to_video (@runwayml/sdk 4.20). */
const VIDEO_MODELS: Record<string, { ratios: readonly string[]; durations: (d: unknown, required: boolean) => boolean; positions: readonly string[]; fields: readonly string[] }> = {
  'gen4.5': {
    ratios: ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'],
    durations: (d) => Number.isInteger(d) && (d as number) >= 2 && (d as number) <= 10,
    positions: ['first'],
    fields: ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration', 'outputFormat', 'proresProfile'],
  },
  gen4_turbo: {
    ratios: ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'],
    durations: (d) => Number.isInteger(d) && (d as number) >= 2 && (d as number) <= 10,
    positions: ['first'],
    fields: ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration'],
  },
  'veo3.1': {
    ratios: ['1280:720', '720:1280', '1080:1920', '1920:1080'],
    durations: (d) => d === undefined || d === 4 || d === 6 || d === 8,
    positions: ['first', 'last'],
    fields: ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'audio', 'negativePrompt', 'seed'],
  },
  seedance2: {
    ratios: ['1280:720', '720:1280', '960:960', '1920:1080', '1080:1920', '1440:1440'],
    durations: (d) => d === undefined || d === 'auto' || typeof d === 'number',
    positions: ['first', 'last'],
    fields: ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'audio', 'referenceAudio', 'seed'],
  },
}
VIDEO_MODELS['veo3.1_fast'] = VIDEO_MODELS['veo3.1']!

/** POST /v1/image_to_video: a `promptImage` (a URI or positioned frames), a ratio, a duration. */
function checkImageToVideo(body: Record<string, unknown>): string | null {
  const rules = VIDEO_MODELS[String(body.model)]
  if (!rules) return `model: ${String(body.model)} is not an image_to_video model this stand-in knows`
  if (body.promptImage === undefined) return 'promptImage: Required'
  const required = body.model === 'gen4.5'
  return (
    unknownField(body, rules.fields) ??
    checkPromptImage(body.promptImage, rules.positions, body.model === 'seedance2') ??
    checkPromptText(body, required, body.model === 'seedance2' ? 3500 : 1000) ??
    checkVideoShape(body, rules)
  )
}

/** POST /v1/text_to_video: a prompt (required), a ratio, a duration; gen4_turbo is not a text model. */
function checkTextToVideo(body: Record<string, unknown>): string | null {
  const rules = VIDEO_MODELS[String(body.model)]
  if (!rules || body.model === 'gen4_turbo') return `model: ${String(body.model)} is not a text_to_video model this stand-in knows`
  if (body.model === 'gen4.5' && !['1280:720', '720:1280'].includes(String(body.ratio))) return 'ratio: gen4.5 text_to_video makes 1280:720 or 720:1280'
  return unknownField(body, rules.fields.filter((f) => f !== 'promptImage')) ?? checkPromptText(body, true, body.model === 'seedance2' ? 3500 : 1000) ?? checkVideoShape(body, rules)
}

function checkVideoShape(body: Record<string, unknown>, rules: { ratios: readonly string[]; durations: (d: unknown, required: boolean) => boolean }): string | null {
  if (body.ratio !== undefined || body.model === 'gen4.5' || body.model === 'gen4_turbo' || String(body.model).startsWith('veo')) {
    if (typeof body.ratio !== 'string' || !rules.ratios.includes(body.ratio)) return `ratio: ${String(body.ratio)} is not a ratio ${String(body.model)} makes`
  }
  if (!rules.durations(body.duration, true)) return `duration: ${String(body.duration)} is not a duration ${String(body.model)} takes`
  if (body.audio !== undefined && typeof body.audio !== 'boolean') return 'audio: must be a boolean'
  return checkSeed(body.seed)
}

/**
 * POST /v1/character_performance (`act_two`): `character` `{ type: image | video, uri }`, a
 * `reference` video, an optional ratio, `bodyControl`, `expressionIntensity` 1–5 and seed.
 */
function checkCharacterPerformance(body: Record<string, unknown>): string | null {
  if (body.model !== 'act_two') return `model: ${String(body.model)} is not a character_performance model`
  const character = body.character as Record<string, unknown> | undefined
  if (!character || (character.type !== 'image' && character.type !== 'video')) return "character.type: must be 'image' or 'video'"
  const badCharacter = character.type === 'image' ? checkImageUri('character.uri', character.uri) : checkVideoUri('character.uri', character.uri)
  if (badCharacter) return badCharacter
  const reference = body.reference as Record<string, unknown> | undefined
  if (!reference || reference.type !== 'video') return "reference.type: must be 'video'"
  const ratios = ['1280:720', '720:1280', '960:960', '1104:832', '832:1104', '1584:672']
  if (body.ratio !== undefined && !ratios.includes(String(body.ratio))) return `ratio: ${String(body.ratio)} is not a ratio act_two makes`
  const intensity = body.expressionIntensity
  if (intensity !== undefined && !(Number.isInteger(intensity) && (intensity as number) >= 1 && (intensity as number) <= 5)) return 'expressionIntensity: must be an integer from 1 to 5'
  if (body.bodyControl !== undefined && typeof body.bodyControl !== 'boolean') return 'bodyControl: must be a boolean'
  return (
    unknownField(body, ['model', 'character', 'reference', 'ratio', 'bodyControl', 'expressionIntensity', 'seed', 'contentModeration']) ??
    checkVideoUri('reference.uri', reference.uri) ??
    checkSeed(body.seed)
  )
}

/** POST /v1/image_upscale (`magnific_precision_upscaler_v2`): an image, a scale factor of 2, 4, 8 or 16, a flavor. */
function checkImageUpscale(body: Record<string, unknown>): string | null {
  if (body.model !== 'magnific_precision_upscaler_v2') return `model: ${String(body.model)} is not an image_upscale model`
  if (body.scaleFactor !== undefined && ![2, 4, 8, 16].includes(body.scaleFactor as number)) return 'scaleFactor: must be 2, 4, 8 or 16'
  if (body.flavor !== undefined && !['sublime', 'photo', 'photo_denoiser'].includes(String(body.flavor))) return 'flavor: must be sublime, photo or photo_denoiser'
  return unknownField(body, ['model', 'imageUri', 'flavor', 'scaleFactor', 'sharpen', 'smartGrain', 'ultraDetail']) ?? checkImageUri('imageUri', body.imageUri)
}

function checkSeed(seed: unknown): string | null {
  return seed === undefined || (Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 4_294_967_295) ? null : 'seed: must be an integer from 0 to 4294967295'
}

/**
 * What Runway documents for POST /v1/video_to_video with model `aleph2`: the clip as `videoUri`,
 * an optional non-empty `promptText` (at most 1000 characters), `seed`, and up to 5 `keyframes`,
 * each an image `uri` at `seconds` into the clip or `at` a fraction of it; plus options we do not
 * send (`targetAspectRatio`, `outputFormat`, `proresProfile`, `contentModeration`, the deprecated
 * `ratio`). The endpoint's other models are not ours and are refused here.
 */
function checkVideoToVideo(body: Record<string, unknown>): string | null {
  if (body.model !== 'aleph2') return `model: ${String(body.model)} is not a video_to_video model this stand-in knows`
  const known = ['model', 'videoUri', 'promptText', 'seed', 'keyframes', 'targetAspectRatio', 'outputFormat', 'proresProfile', 'contentModeration', 'ratio']
  const promptText = body.promptText
  if (promptText !== undefined && (typeof promptText !== 'string' || promptText.length < 1 || promptText.length > 1000)) return 'promptText: must be 1–1000 characters'
  if (body.keyframes !== undefined) {
    const keyframes = body.keyframes
    if (!Array.isArray(keyframes) || keyframes.length < 1 || keyframes.length > 5) return 'keyframes: must hold 1 to 5 keyframes'
    for (const [i, k] of keyframes.entries()) {
      if (!k || typeof k !== 'object') return `keyframes.${i}: must be an object`
      const { uri, at, seconds, range, ...rest } = k as Record<string, unknown>
      if (Object.keys(rest).length > 0) return `keyframes.${i}: unknown field ${Object.keys(rest)[0]}`
      if ((at === undefined) === (seconds === undefined)) return `keyframes.${i}: give either at or seconds`
      if (at !== undefined && !(typeof at === 'number' && at >= 0 && at <= 1)) return `keyframes.${i}.at: must be a fraction from 0 to 1`
      if (seconds !== undefined && !(typeof seconds === 'number' && seconds >= 0)) return `keyframes.${i}.seconds: must be a number of seconds`
      if (range !== undefined) return `keyframes.${i}.range: this stand-in does not check ranges`
      const bad = checkImageUri(`keyframes.${i}.uri`, uri)
      if (bad) return bad
    }
  }
  return unknownField(body, known) ?? checkVideoUri('videoUri', body.videoUri) ?? checkSeed(body.seed)
}

/**
 * What Runway documents for POST /v1/video_upscale: `magnific_video_upscaler_creative` (with its
 * optional controls) or `enhance_frame_rate` (with `targetFramerate`), each with `videoUri`. The
 * older `upscale_v1` is gone from the API (@runwayml/sdk 3.12.0: "Sunset upscale endpoint").
 */
function checkVideoUpscale(body: Record<string, unknown>): string | null {
  if (body.model === 'magnific_video_upscaler_creative') {
    if (body.resolution !== undefined && !['720p', '1k', '2k', '4k'].includes(String(body.resolution))) return 'resolution: must be 720p, 1k, 2k or 4k'
    if (body.flavor !== undefined && !['vivid', 'natural'].includes(String(body.flavor))) return 'flavor: must be vivid or natural'
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
const CHECKS: Record<string, (body: Record<string, unknown>) => string | null> = {
  image_to_video: checkImageToVideo,
  text_to_video: checkTextToVideo,
  character_performance: checkCharacterPerformance,
  image_upscale: checkImageUpscale,
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
