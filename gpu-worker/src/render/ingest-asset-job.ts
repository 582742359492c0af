import { spawn } from 'node:child_process'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import type { AssetStore } from '@montage/assets'
import { type TIngestAssetInput, type TIngestAssetOutput, type TJobProgress } from '@montage/core'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { probeMedia } from '../ffmpeg/probe-media'
import { ProcessError, runProcess } from '../ffmpeg/run-process'
import { makeThumbnailStrip } from './make-thumbnail-strip'

export interface TIngestAssetJobDeps {
  store: AssetStore
  engine: { ffmpeg: TFfmpegPaths; workDir: string }
}

export interface TIngestAssetJobHooks {
  signal?: AbortSignal
  onProgress?: (progress: TJobProgress) => void
}

/** Posters are at most this wide: enough for a card, small enough to load at once. */
const POSTER_MAX_WIDTH = 1280
/** The proxy's short side: 720p. */
const PROXY_SHORT_SIDE = 720

/**
 * Renditions of an upload: probe, a JPEG poster, and for a clip a thumbnail strip (one JPEG of
 * evenly spaced frames, each STRIP_FRAME_WIDTH px wide) and a web proxy (H.264 yuv420p, +faststart,
 * at most 720p). Idempotent by asset id: its scratch folder is named for it and cleared first, and
 * outputs are content-addressed, so a second run stores nothing new.
 */
export async function ingestAssetJob(deps: TIngestAssetJobDeps, input: TIngestAssetInput, hooks: TIngestAssetJobHooks): Promise<TIngestAssetOutput> {
  const { store, engine } = deps
  const signal = hooks.signal ?? new AbortController().signal
  let last: TJobProgress = { generationId: input.assetId, stage: 'queued', progress: 0 }
  const report = (stage: TJobProgress['stage'], progress: number) => {
    last = { generationId: input.assetId, stage, progress }
    hooks.onProgress?.(last)
  }
  const source = store.pathOf(input.sha256)
  const scratch = path.join(engine.workDir, `ingest-${input.assetId}`)
  await rm(scratch, { recursive: true, force: true })
  await mkdir(scratch, { recursive: true })
  // Decoding a long 4K clip for its strip reports nothing for a while: keep the heartbeat alive.
  const ticker = setInterval(() => hooks.onProgress?.(last), 5_000)
  try {
    report('queued', 0)
    const info = await probeMedia(engine.ffmpeg.ffprobe, source, 'The upload', signal)
    const posterFile = path.join(scratch, 'poster.jpg')
    await runProcess(
      engine.ffmpeg.ffmpeg,
      ['-v', 'error', '-y', '-i', source, '-frames:v', '1', '-vf', `scale='min(${POSTER_MAX_WIDTH},iw)':-2`, '-q:v', '3', '-pix_fmt', 'yuvj420p', '-f', 'image2', posterFile],
      { signal },
    )
    report('rendering', 0.1)
    if (info.kind === 'image') {
      report('storing', 0.95)
      const poster = await store.putFile(posterFile)
      report('storing', 1)
      return {
        width: info.width,
        height: info.height,
        durationMs: null,
        posterSha256: poster.sha256,
        posterByteSize: poster.byteSize,
        stripSha256: null,
        stripByteSize: null,
        stripFrames: null,
        proxySha256: null,
        proxyByteSize: null,
      }
    }

    const stripFile = path.join(scratch, 'strip.jpg')
    const stripFrames = await makeThumbnailStrip(engine.ffmpeg, { file: source, frames: info.frames, durationSeconds: info.durationSeconds }, stripFile, signal)
    report('rendering', 0.2)

    const proxyFile = path.join(scratch, 'proxy.mp4')
    const landscape = info.width >= info.height
    const scale = landscape ? `scale=-2:'min(${PROXY_SHORT_SIDE},ih)'` : `scale='min(${PROXY_SHORT_SIDE},iw)':-2`
    await encodeWithProgress(
      engine.ffmpeg.ffmpeg,
      [
        '-v', 'error', '-y', '-i', source, '-map', '0:v:0', '-map', '0:a:0?',
        '-vf', `${scale},format=yuv420p`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-maxrate', '2500k', '-bufsize', '5000k',
        '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', proxyFile,
      ],
      info.durationSeconds,
      (p) => report('encoding', 0.2 + 0.75 * p),
      signal,
    )
    report('storing', 0.95)
    const poster = await store.putFile(posterFile)
    const strip = await store.putFile(stripFile)
    const proxy = await store.putFile(proxyFile)
    report('storing', 1)
    return {
      width: info.width,
      height: info.height,
      durationMs: Math.round(info.durationSeconds * 1000),
      posterSha256: poster.sha256,
      posterByteSize: poster.byteSize,
      stripSha256: strip.sha256,
      stripByteSize: strip.byteSize,
      stripFrames,
      proxySha256: proxy.sha256,
      proxyByteSize: proxy.byteSize,
    }
  } finally {
    clearInterval(ticker)
    await rm(scratch, { recursive: true, force: true })
  }
}

/** Runs an ffmpeg encode, reporting the fraction of `durationSeconds` done (its `-progress` output). */
function encodeWithProgress(ffmpeg: string, args: string[], durationSeconds: number, onProgress: (p: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const child = spawn(ffmpeg, ['-progress', 'pipe:1', '-nostats', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let pending = ''
    const onAbort = () => child.kill('SIGKILL')
    signal.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const m = /^out_time_us=(\d+)/.exec(line)
        if (m) onProgress(Math.min(1, Number(m[1]) / 1e6 / durationSeconds))
      }
    })
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)))
    child.on('error', reject)
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort)
      if (signal.aborted) return reject(signal.reason)
      if (code !== 0) return reject(new ProcessError(ffmpeg, code, sig, stderr))
      resolve()
    })
  })
}
