import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import type { AssetStore } from '@montage/assets'
import { type TIngestAssetInput, type TIngestAssetOutput, type TJobProgress } from '@montage/core'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { probeAudio } from '../ffmpeg/probe-audio'
import { probeMedia } from '../ffmpeg/probe-media'
import { runProcess } from '../ffmpeg/run-process'
import { makeWaveform } from './make-waveform'
import { storeClipRenditions } from './store-clip-renditions'

export interface TIngestAssetJobDeps {
  store: AssetStore
  engine: { ffmpeg: TFfmpegPaths; workDir: string }
}

export interface TIngestAssetJobHooks {
  signal?: AbortSignal
  onProgress?: (progress: TJobProgress) => void
  /** Something ingest did without, worth a line in the log. */
  onWarning?: (message: string) => void
}

/** Posters are at most this wide: enough for a card, small enough to load at once. */
const POSTER_MAX_WIDTH = 1280

/**
 * Renditions of an upload: probe, a JPEG poster, and for a clip a thumbnail strip (one JPEG of
 * evenly spaced frames, each STRIP_FRAME_WIDTH px wide) and a web proxy (`makeWebProxy`: H.264
 * yuv420p, +faststart, at most 720p). Idempotent by asset id: its scratch folder is named for it
 * and cleared first, and outputs are content-addressed, so a second run stores nothing new.
 * A sound gets its duration and a waveform picture as its poster; nothing else (no frames to strip,
 * and browsers play WAV, MP3, AAC and M4A as they are).
 */
export async function ingestAssetJob(deps: TIngestAssetJobDeps, input: TIngestAssetInput, hooks: TIngestAssetJobHooks): Promise<TIngestAssetOutput> {
  const { store, engine } = deps
  const signal = hooks.signal ?? new AbortController().signal
  let last: TJobProgress = { generationId: input.assetId, stage: 'queued', progress: 0 }
  const report = (stage: TJobProgress['stage'], progress: number) => {
    last = { generationId: input.assetId, stage, progress }
    hooks.onProgress?.(last)
  }
  const scratch = path.join(engine.workDir, `ingest-${input.assetId}`)
  await rm(scratch, { recursive: true, force: true })
  await mkdir(scratch, { recursive: true })
  // Decoding a long 4K clip for its strip reports nothing for a while: keep the heartbeat alive.
  const ticker = setInterval(() => hooks.onProgress?.(last), 5_000)
  try {
    return await store.withLocalFile(input.sha256, async (source) => {
      report('queued', 0)
      if (input.mimeType.startsWith('audio/')) {
        const { durationSeconds } = await probeAudio(engine.ffmpeg.ffprobe, source, 'The upload', signal)
        report('rendering', 0.5)
        const waveform = path.join(scratch, 'waveform.jpg')
        // The sound passed its checks at upload and plays as it is: a waveform that cannot be drawn
        // leaves the card without a picture, not the upload failed.
        const poster = await makeWaveform(engine.ffmpeg, source, waveform, signal).then(
          () => store.putFile(waveform),
          (e: unknown) => {
            if (signal.aborted) throw e
            hooks.onWarning?.(`No waveform for sound ${input.assetId}: ${(e as Error).message}`)
            return null
          },
        )
        report('storing', 1)
        return {
          width: null,
          height: null,
          durationMs: Math.round(durationSeconds * 1000),
          posterSha256: poster?.sha256 ?? null,
          posterByteSize: poster?.byteSize ?? null,
          stripSha256: null,
          stripByteSize: null,
          stripFrames: null,
          proxySha256: null,
          proxyByteSize: null,
        }
      }
      const info = await probeMedia(engine.ffmpeg.ffprobe, source, 'The upload', signal)
      const posterFile = path.join(scratch, 'poster.jpg')
      await runProcess(
        engine.ffmpeg.ffmpeg,
        ['-v', 'error', '-y', '-i', source, '-frames:v', '1', '-vf', `scale='min(${POSTER_MAX_WIDTH},iw)':-2`, '-q:v', '3', '-pix_fmt', 'yuvj420p', '-f', 'image2', posterFile],
        { signal },
      )
      report('rendering', 0.1)
      // A clip gets its strip and proxy; uploads always get a proxy: their codec (ProRes, HEVC,
      // 4:2:2) may be one no browser plays. A still is its own rendition.
      const renditions =
        info.kind === 'image'
          ? null
          : await storeClipRenditions(
              store,
              { file: source, width: info.width, height: info.height, frames: info.frames, durationSeconds: info.durationSeconds },
              { ffmpeg: engine.ffmpeg, workDir: scratch, proxy: 'always', signal, onProgress: (p) => report('encoding', 0.1 + 0.85 * p) },
            )
      report('storing', 0.95)
      const poster = await store.putFile(posterFile)
      report('storing', 1)
      return {
        width: info.width,
        height: info.height,
        durationMs: info.kind === 'image' ? null : Math.round(info.durationSeconds * 1000),
        posterSha256: poster.sha256,
        posterByteSize: poster.byteSize,
        stripSha256: renditions?.stripSha256 ?? null,
        stripByteSize: renditions?.stripByteSize ?? null,
        stripFrames: renditions?.stripFrames ?? null,
        proxySha256: renditions?.proxySha256 ?? null,
        proxyByteSize: renditions?.proxyByteSize ?? null,
      }
    })
  } finally {
    clearInterval(ticker)
    await rm(scratch, { recursive: true, force: true })
  }
}
