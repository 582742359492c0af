import { withLocalFiles, type AssetStore } from '@montage/assets'
import { AppError, AppErrorCode, type TGenerationOutput, type TJobProgress } from '@montage/core'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import type { MediaEngine } from '../engine/MediaEngine'
import type { TRenderStage } from '../engine/render-camera-move'
import type { TRenderedFrames } from '../engine/render-frames'
import { probeMedia, type TMediaInfo } from '../ffmpeg/probe-media'
import { reportRenderStage, storeRenderOutputs } from './store-render-outputs'
import type { TRenderPrevizJobHooks } from './render-previz-job'

export interface TEditJobDeps {
  store: AssetStore
  engine: MediaEngine
}

export type TEditJobHooks = TRenderPrevizJobHooks

export interface TEditSource {
  /** The input field that names it (`sourceSha256`), for errors. */
  field: string
  sha256: string
  /** What it is to the person who started the edit ("the clip to edit"), for errors on the card. */
  what: string
}

/** A source as errors name it: what it is, and enough of its hash to find it. */
export function sourceLabel(source: TEditSource): string {
  return `${source.what} (asset ${source.sha256.slice(0, 12)}…)`
}

export interface TProbedSource extends TEditSource {
  file: string
  label: string
  info: TMediaInfo
}

export interface TEditRenderContext {
  sources: TProbedSource[]
  workDir: string
  signal?: AbortSignal
  onProgress: (stage: TRenderStage, progress: number) => void
}

export interface TEditRender extends TRenderedFrames {
  width: number
  height: number
  /** Output frame rate; absent for a still. */
  fps?: { num: number; den: number }
}

/**
 * The frame of every local edit (relight, restyle, composite, upscale, interpolate): the sources
 * must be in the store (NOT_FOUND naming the field) and readable media (UNSUPPORTED_MEDIA,
 * PAYLOAD_TOO_LARGE, probed before any decoding), the render runs in its own scratch folder that
 * is always removed, and only a finished render is stored. Idempotent like renderPrevizJob: the
 * same input renders the same bytes into a content-addressed store.
 */
export async function runEditJob(
  deps: TEditJobDeps,
  job: { kind: string; generationId: string; sources: TEditSource[] },
  hooks: TEditJobHooks,
  render: (context: TEditRenderContext) => Promise<TEditRender>,
): Promise<TGenerationOutput> {
  const { store, engine } = deps
  const { signal, onProgress } = hooks
  const { generationId } = job
  for (const source of job.sources) {
    if (!(await store.has(source.sha256))) {
      throw new AppError(AppErrorCode.NOT_FOUND, `${source.field}: ${sourceLabel(source)} is no longer in the asset store`, { field: source.field })
    }
  }
  const report = (stage: TJobProgress['stage'], progress: number) => onProgress?.({ generationId, stage, progress })
  report('rendering', 0)
  // Local files for ffmpeg: the blobs themselves (local store) or temp copies (S3), held for the render.
  return withLocalFiles(
    store,
    job.sources.map((s) => s.sha256),
    async (files) => {
      const sources: TProbedSource[] = []
      for (const [i, source] of job.sources.entries()) {
        const file = files[i]!
        const label = `${source.field}: ${sourceLabel(source)}`
        sources.push({ ...source, file, label, info: await probeMedia(engine.ffmpeg.ffprobe, file, label, signal) })
      }

      await mkdir(engine.workDir, { recursive: true })
      const workDir = await mkdtemp(path.join(engine.workDir, `montage-${job.kind}-${generationId}-`))
      try {
        const rendered = await render({
          sources,
          workDir,
          signal,
          onProgress: reportRenderStage(report),
        })
        signal?.throwIfAborted()
        const fps = rendered.fps ? rendered.fps.num / rendered.fps.den : 0
        const clip = rendered.fps
          ? { ffmpeg: engine.ffmpeg, workDir, width: rendered.width, height: rendered.height, frames: rendered.frames, durationSeconds: rendered.frames / fps, signal }
          : undefined
        const stored = await storeRenderOutputs(store, rendered, report, clip)
        return {
          ...stored,
          mimeType: rendered.mimeType,
          width: rendered.width,
          height: rendered.height,
          durationSeconds: rendered.fps ? rendered.frames / fps : 0,
          fps,
        }
      } finally {
        await rm(workDir, { recursive: true, force: true })
      }
    },
  )
}
