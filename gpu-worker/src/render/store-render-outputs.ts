import path from 'node:path'
import type { AssetStore } from '@montage/assets'
import type { TGenerationOutput, TJobProgress } from '@montage/core'
import type { TRenderStage } from '../engine/render-camera-move'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { makeThumbnailStrip } from './make-thumbnail-strip'

/** Share of the overall progress each stage of a local render ends at. */
const STAGE_END = { rendering: 0.85, encoding: 0.95, storing: 1 } as const

type TReport = (stage: TJobProgress['stage'], progress: number) => void

/** Turns a render's per-stage progress into the job's overall progress. */
export function reportRenderStage(report: TReport): (stage: TRenderStage, progress: number) => void {
  return (stage, p) => report(stage, stage === 'rendering' ? p * STAGE_END.rendering : STAGE_END.rendering + p * (STAGE_END.encoding - STAGE_END.rendering))
}

/** A clip's strip is made beside its render, in the render's scratch folder. */
export interface TStripSource {
  ffmpeg: TFfmpegPaths
  workDir: string
  frames: number
  durationSeconds: number
  signal?: AbortSignal
}

/**
 * Moves a finished render's output and poster into the asset store, reporting the storing stage;
 * for a clip (`strip` given) it also makes and stores the hover-scrub strip.
 */
export async function storeRenderOutputs(
  store: AssetStore,
  files: { outputFile: string; posterFile: string },
  report: TReport,
  strip?: TStripSource,
): Promise<Pick<TGenerationOutput, 'assetSha256' | 'byteSize' | 'posterSha256' | 'posterByteSize' | 'stripSha256' | 'stripByteSize' | 'stripFrames'>> {
  report('storing', STAGE_END.encoding)
  let stripped: { sha256: string; byteSize: number; frames: number } | undefined
  if (strip && strip.frames > 0 && strip.durationSeconds > 0) {
    const stripFile = path.join(strip.workDir, 'strip.jpg')
    const frames = await makeThumbnailStrip(strip.ffmpeg, { file: files.outputFile, frames: strip.frames, durationSeconds: strip.durationSeconds }, stripFile, strip.signal)
    stripped = { ...(await store.putFile(stripFile)), frames }
  }
  const output = await store.putFile(files.outputFile)
  const poster = await store.putFile(files.posterFile)
  report('storing', STAGE_END.storing)
  return {
    assetSha256: output.sha256,
    byteSize: output.byteSize,
    posterSha256: poster.sha256,
    posterByteSize: poster.byteSize,
    ...(stripped ? { stripSha256: stripped.sha256, stripByteSize: stripped.byteSize, stripFrames: stripped.frames } : {}),
  }
}
