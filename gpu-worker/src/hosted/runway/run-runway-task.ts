import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { AssetStore } from '@montage/assets'
import {
  AppError,
  AppErrorCode,
  isRunwayModel,
  modelAvailability,
  parseInput,
  ZHostedModelParams,
  ZRunHostedModelInput,
  type TGenerationOutput,
  type TJobProgress,
  type TRunHostedModelInput,
} from '@montage/core'
import type { TFfmpegPaths } from '../../ffmpeg/ffmpeg-paths'
import { probeAudio } from '../../ffmpeg/probe-audio'
import { probeMedia } from '../../ffmpeg/probe-media'
import { runProcess } from '../../ffmpeg/run-process'
import { makeWaveform } from '../../render/make-waveform'
import { buildRunwayRequest, type TRunwayInputAsset } from './build-runway-request'
import { RunwayApiError, type RunwayClient } from './RunwayClient'
import { runwayFailureMessage } from './runway-failure-message'

/** Runway asks integrations to poll a task no more often than every 5 seconds. */
export const RUNWAY_MIN_POLL_INTERVAL_MS = 5000

export interface TRunRunwayTaskDeps {
  client: RunwayClient
  store: AssetStore
  ffmpeg: TFfmpegPaths
  /** Scratch folder for downloads; on the store's filesystem so storing is a rename. */
  workDir: string
  /** Time between two polls; 5 s (Runway's floor) unless a test injects less. */
  pollIntervalMs?: number
  /** Fetch for output downloads (the global one by default). */
  fetch?: typeof fetch
}

export interface TRunRunwayTaskHooks {
  signal: AbortSignal
  onProgress: (progress: TJobProgress) => void
  /** A task created by an earlier attempt of this generation: poll it instead of paying for a new one. */
  resumeTaskId?: string
  /** Called once the task exists, before the first poll, so a crash after it can resume the task. */
  onTaskCreated: (taskId: string) => void
}

/** A task Runway ran and reported as failed (or cancelled on its side): retrying this call will not help. */
export class RunwayTaskFailedError extends Error {
  override name = 'RunwayTaskFailedError'
  constructor(
    message: string,
    readonly failureCode?: string,
  ) {
    super(message)
  }
}

const MB = 1024 * 1024
/**
 * The longest data URI (base64 and all) Runway takes for an input, by kind; past it a URL is
 * needed. https://docs.dev.runwayml.com/assets/inputs (Size limits: image 5 MB, video 16 MB).
 */
const MAX_DATA_URI_LENGTH = { image: 5 * MB, video: 16 * MB } as const

/** What a downloaded output is, by its bytes: Runway's audio models answer MP3 (WAV and M4A are taken too). */
function sniffOutput(head: Buffer): { mime: string; kind: 'image' | 'video' | 'audio' } | null {
  if (head.toString('latin1', 0, 3) === 'ID3' || (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) !== 0)) return { mime: 'audio/mpeg', kind: 'audio' }
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return { mime: 'audio/wav', kind: 'audio' }
  if (head.toString('latin1', 4, 8) === 'ftyp' && head.toString('latin1', 8, 11) === 'M4A') return { mime: 'audio/mp4', kind: 'audio' }
  return sniffMime(head)
}

function sniffMime(head: Buffer): { mime: string; kind: 'image' | 'video' } | null {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { mime: 'image/png', kind: 'image' }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: 'image/jpeg', kind: 'image' }
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return { mime: 'image/webp', kind: 'image' }
  if (head.toString('latin1', 4, 8) === 'ftyp') return { mime: head.toString('latin1', 8, 10) === 'qt' ? 'video/quicktime' : 'video/mp4', kind: 'video' }
  if (head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return { mime: 'video/webm', kind: 'video' }
  return null
}

async function readHead(file: string, bytes = 16): Promise<Buffer> {
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const { bytesRead } = await fh.read(buf, 0, bytes, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

async function referenceAsDataUri(store: AssetStore, sha256: string, index: number): Promise<TRunwayInputAsset> {
  const label = `references: reference ${index + 1}`
  if (!(await store.has(sha256))) throw new AppError(AppErrorCode.NOT_FOUND, `${label} is not in the asset store.`, { field: 'references' })
  const tooLarge = (kind: 'image' | 'video') =>
    new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${label} is larger than the ${MAX_DATA_URI_LENGTH[kind] / MB} MB Runway takes inline for ${kind === 'image' ? 'an image' : 'a clip'}.`, {
      field: 'references',
    })
  // Base64 is 4/3 of the bytes: nothing over the larger limit is read at all.
  if (Math.ceil((await store.size(sha256)) / 3) * 4 > MAX_DATA_URI_LENGTH.video) throw tooLarge('video')
  const chunks: Buffer[] = []
  for await (const chunk of await store.read(sha256)) chunks.push(chunk as Buffer)
  const bytes = Buffer.concat(chunks)
  const type = sniffMime(bytes)
  if (!type) throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is not a PNG, JPEG or WebP image nor an MP4, MOV or WebM clip.`, { field: 'references' })
  const uri = `data:${type.mime};base64,${bytes.toString('base64')}`
  if (uri.length > MAX_DATA_URI_LENGTH[type.kind]) throw tooLarge(type.kind)
  return { uri, kind: type.kind }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Runs one generation on Runway: creates the task (or resumes an earlier attempt's), polls it,
 * downloads the output into the asset store at once (Runway's URLs expire) with a poster, and
 * deletes the task on Runway when `signal` aborts.
 */
export async function runRunwayTask(deps: TRunRunwayTaskDeps, rawInput: TRunHostedModelInput, hooks: TRunRunwayTaskHooks): Promise<TGenerationOutput> {
  const input = parseInput(ZRunHostedModelInput, rawInput)
  const { client, store, signal } = { ...deps, ...hooks }
  const pollIntervalMs = deps.pollIntervalMs ?? RUNWAY_MIN_POLL_INTERVAL_MS
  const report = (stage: TJobProgress['stage'], progress: number) => hooks.onProgress({ generationId: input.generationId, stage, progress })
  if (!isRunwayModel(input.model)) throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${input.model} is not a Runway model.`, { field: 'model' })
  // The model and its params parsed together, so the params are typed by the model.
  const { model, params } = parseInput(ZHostedModelParams, { model: input.model, params: input.params })

  let taskId = hooks.resumeTaskId
  if (!taskId) {
    // A model Runway has retired is refused before a task is paid for (a task of an earlier attempt is still polled).
    const availability = modelAvailability(model, { runwayConfigured: true })
    if (!availability.available) throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${availability.reason}`, { field: 'model' })
    const assets = await Promise.all(input.referenceAssets.map((sha, i) => referenceAsDataUri(store, sha, i)))
    const tagged = await Promise.all((input.references ?? []).map(async (r, i) => ({ ...(await referenceAsDataUri(store, r.assetSha256, i)), tag: r.tag })))
    const request = buildRunwayRequest(model, input.prompt, params, assets, tagged)
    signal.throwIfAborted()
    taskId = await client.createTask(request, signal)
    hooks.onTaskCreated(taskId)
  }
  report('queued', 0)

  let outputUrl: string
  let cost: number | undefined
  try {
    for (;;) {
      await sleep(pollIntervalMs, signal)
      const task = await client.getTask(taskId, signal)
      if (task.status === 'PENDING' || task.status === 'THROTTLED') {
        // THROTTLED: Runway has queued the task behind this account's concurrency limit.
        report('queued', 0)
      } else if (task.status === 'RUNNING') {
        report('rendering', Math.min(task.progress ?? 0, 0.99))
      } else if (task.status === 'SUCCEEDED') {
        outputUrl = task.output[0]!
        cost = task.cost?.credits
        break
      } else if (task.status === 'FAILED') {
        throw new RunwayTaskFailedError(runwayFailureMessage(task.failureCode, task.failure), task.failureCode ?? undefined)
      } else {
        throw new RunwayTaskFailedError('The task was cancelled on Runway.')
      }
    }
  } catch (e) {
    if (signal.aborted) {
      // Cancelled by us: stop paying for it. The original signal is aborted, so the DELETE gets its own.
      await client.deleteTask(taskId, AbortSignal.timeout(15_000)).catch(() => undefined)
    }
    throw e
  }

  report('storing', 0.99)
  const stored = await storeOutput(deps, outputUrl, signal)
  const output = cost === undefined ? stored : { ...stored, providerCredits: cost }
  // The final report lets the board drop the job's bar before the variation's own update lands.
  report('storing', 1)
  return output
}

async function storeOutput(deps: TRunRunwayTaskDeps, url: string, signal: AbortSignal): Promise<TGenerationOutput> {
  const dir = path.join(deps.workDir, `runway-${randomUUID()}`)
  await mkdir(dir, { recursive: true })
  try {
    const file = path.join(dir, 'output')
    let res: Response
    try {
      res = await (deps.fetch ?? fetch)(url, { signal })
    } catch (e) {
      if (signal.aborted) throw e
      throw new RunwayApiError(`Runway's result could not be downloaded (${(e as Error).message}).`, true)
    }
    if (!res.ok || !res.body) {
      const expired = res.status === 403 || res.status === 404 || res.status === 410
      throw new RunwayApiError(
        expired
          ? `Runway's result could not be downloaded (HTTP ${res.status}): its link is gone or has expired.`
          : `Runway's result could not be downloaded (HTTP ${res.status}).`,
        !expired,
        res.status,
      )
    }
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(file), { signal })
    const type = sniffOutput(await readHead(file))
    if (!type) throw new RunwayTaskFailedError("Runway's result is not an image, a video or a sound we can read.")
    if (type.kind === 'audio') return await storeSound(deps, file, type.mime, dir, signal)
    const info = await probeMedia(deps.ffmpeg.ffprobe, file, "Runway's result", signal)
    const posterFile = path.join(dir, 'poster.jpg')
    await runProcess(deps.ffmpeg.ffmpeg, ['-v', 'error', '-y', '-i', file, '-frames:v', '1', '-q:v', '3', '-pix_fmt', 'yuvj420p', '-c:v', 'mjpeg', '-f', 'image2', posterFile], { signal })
    const asset = await deps.store.putFile(file)
    const poster = await deps.store.putFile(posterFile)
    const video = info.kind === 'video'
    return {
      assetSha256: asset.sha256,
      byteSize: asset.byteSize,
      posterSha256: poster.sha256,
      posterByteSize: poster.byteSize,
      mimeType: type.mime,
      width: info.width,
      height: info.height,
      durationSeconds: video ? info.durationSeconds : 0,
      fps: video && info.fps.den ? info.fps.num / info.fps.den : 0,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A sound: its duration from its packets and its waveform as the poster (no frames, no size, no rate). */
async function storeSound(deps: TRunRunwayTaskDeps, file: string, mimeType: string, dir: string, signal: AbortSignal): Promise<TGenerationOutput> {
  const info = await probeAudio(deps.ffmpeg.ffprobe, file, "Runway's result", signal)
  const posterFile = path.join(dir, 'waveform.jpg')
  await makeWaveform(deps.ffmpeg, file, posterFile, signal)
  const asset = await deps.store.putFile(file)
  const poster = await deps.store.putFile(posterFile)
  return {
    assetSha256: asset.sha256,
    byteSize: asset.byteSize,
    posterSha256: poster.sha256,
    posterByteSize: poster.byteSize,
    mimeType,
    width: 0,
    height: 0,
    durationSeconds: info.durationSeconds,
    fps: 0,
  }
}
