import type { AssetStore } from '@montage/assets'
import {
  AppError,
  AppErrorCode,
  frameSize,
  parseInput,
  ZRenderPrevizInput,
  type TGenerationOutput,
  type TJobProgress,
  type TRenderPrevizInput,
} from '@montage/core'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import type { MediaEngine } from '../engine/MediaEngine'
import { renderCameraMove } from '../engine/render-camera-move'
import { reportRenderStage, storeRenderOutputs } from './store-render-outputs'

export const PREVIZ_FPS = 24

export interface TRenderPrevizJobDeps {
  store: AssetStore
  engine: MediaEngine
}

export interface TRenderPrevizJobHooks {
  signal?: AbortSignal
  onProgress?: (progress: TJobProgress) => void
}

/**
 * Renders a previz clip and its poster and stores both. Plain async function, independent of
 * Temporal: the activity wraps it with heartbeats and cancellation. Bad input throws an AppError
 * (BAD_REQUEST, NOT_FOUND, UNSUPPORTED_MEDIA, PAYLOAD_TOO_LARGE) before anything is stored.
 *
 * Idempotent by construction: the same input renders the same bytes, and the store is content
 * addressed, so a retry returns the same sha256s and stores nothing new.
 */
export async function renderPrevizJob(
  deps: TRenderPrevizJobDeps,
  input: TRenderPrevizInput,
  hooks: TRenderPrevizJobHooks = {},
): Promise<TGenerationOutput> {
  const { store, engine } = deps
  const { signal, onProgress } = hooks
  const job = parseInput(ZRenderPrevizInput, input)
  const { params, generationId } = job
  const plateLabel = `plate asset ${job.plateSha256}`
  if (!(await store.has(job.plateSha256))) {
    throw new AppError(AppErrorCode.NOT_FOUND, `${plateLabel} is not in the asset store`, { field: 'plateSha256' })
  }
  const report = (stage: TJobProgress['stage'], progress: number) => onProgress?.({ generationId, stage, progress })
  report('rendering', 0)

  const { width, height } = frameSize(params.aspectRatio, params.resolution)
  // The scratch folder may not exist yet on a fresh data dir.
  await mkdir(engine.workDir, { recursive: true })
  const workDir = await mkdtemp(path.join(engine.workDir, `montage-previz-${generationId}-`))
  try {
    const layerSha256 = params.layers && params.layers.source !== 'region' ? job.layerSha256 : undefined
    const layerLabel = `${params.layers?.source === 'depth' ? 'depth map' : 'matte'} asset ${layerSha256}`
    if (layerSha256 && !(await store.has(layerSha256))) {
      throw new AppError(AppErrorCode.NOT_FOUND, `${layerLabel} is not in the asset store`, { field: 'layerSha256' })
    }
    const render = (plateFile: string, layerFile?: string) =>
      renderCameraMove(engine, {
        plateFile,
        plateLabel,
        layerFile,
        layerLabel,
        move: params.cameraMove,
        zoom: params.zoom,
        easing: params.easing,
        keyframes: params.keyframes,
        layers: params.layers,
        durationSeconds: params.duration,
        fps: PREVIZ_FPS,
        width,
        height,
        outDir: workDir,
        signal,
        onProgress: reportRenderStage(report),
      })
    const clip = await store.withLocalFile(job.plateSha256, (plateFile) =>
      layerSha256 ? store.withLocalFile(layerSha256, (layerFile) => render(plateFile, layerFile)) : render(plateFile),
    )
    signal?.throwIfAborted()
    const stored = await storeRenderOutputs(store, { outputFile: clip.videoFile, posterFile: clip.posterFile }, report, {
      ffmpeg: engine.ffmpeg,
      workDir,
      width,
      height,
      frames: clip.frames,
      durationSeconds: clip.frames / PREVIZ_FPS,
      signal,
    })
    return {
      ...stored,
      mimeType: 'video/mp4',
      width,
      height,
      durationSeconds: clip.frames / PREVIZ_FPS,
      fps: PREVIZ_FPS,
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}
