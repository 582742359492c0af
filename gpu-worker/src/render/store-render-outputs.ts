import type { AssetStore } from '@montage/assets'
import type { TGenerationOutput, TJobProgress } from '@montage/core'
import type { TRenderStage } from '../engine/render-camera-move'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { storeClipRenditions } from './store-clip-renditions'

/** Share of the overall progress each stage of a local render ends at; storing includes the proxy encode. */
const STAGE_END = { rendering: 0.8, encoding: 0.9, storing: 1 } as const

type TReport = (stage: TJobProgress['stage'], progress: number) => void

/** Turns a render's per-stage progress into the job's overall progress. */
export function reportRenderStage(report: TReport): (stage: TRenderStage, progress: number) => void {
  return (stage, p) => report(stage, stage === 'rendering' ? p * STAGE_END.rendering : STAGE_END.rendering + p * (STAGE_END.encoding - STAGE_END.rendering))
}

/** A rendered clip, whose strip and web proxy are made beside it, in the render's scratch folder. */
export interface TRenderedClipSource {
  ffmpeg: TFfmpegPaths
  workDir: string
  width: number
  height: number
  frames: number
  durationSeconds: number
  signal?: AbortSignal
}

/**
 * Moves a finished render's output and poster into the asset store, reporting the storing stage;
 * for a clip (`clip` given) it also makes and stores the hover-scrub strip and, when the clip is
 * larger than 720p, the web proxy that cards and review play.
 */
export async function storeRenderOutputs(
  store: AssetStore,
  files: { outputFile: string; posterFile: string },
  report: TReport,
  clip?: TRenderedClipSource,
): Promise<Pick<TGenerationOutput, 'assetSha256' | 'byteSize' | 'posterSha256' | 'posterByteSize' | 'stripSha256' | 'stripByteSize' | 'stripFrames' | 'proxySha256' | 'proxyByteSize' | 'proxyWidth' | 'proxyHeight'>> {
  report('storing', STAGE_END.encoding)
  const renditions =
    clip && clip.frames > 0 && clip.durationSeconds > 0
      ? await storeClipRenditions(
          store,
          { file: files.outputFile, width: clip.width, height: clip.height, frames: clip.frames, durationSeconds: clip.durationSeconds },
          {
            ffmpeg: clip.ffmpeg,
            workDir: clip.workDir,
            proxy: 'above-720p',
            signal: clip.signal,
            onProgress: (p) => report('storing', STAGE_END.encoding + p * 0.9 * (STAGE_END.storing - STAGE_END.encoding)),
          },
        )
      : {}
  const output = await store.putFile(files.outputFile)
  const poster = await store.putFile(files.posterFile)
  report('storing', STAGE_END.storing)
  return {
    assetSha256: output.sha256,
    byteSize: output.byteSize,
    posterSha256: poster.sha256,
    posterByteSize: poster.byteSize,
    ...renditions,
  }
}
