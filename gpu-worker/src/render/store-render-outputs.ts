import type { AssetStore } from '@montage/assets'
import type { TGenerationOutput, TJobProgress } from '@montage/core'
import type { TRenderStage } from '../engine/render-camera-move'

/** Share of the overall progress each stage of a local render ends at. */
const STAGE_END = { rendering: 0.85, encoding: 0.95, storing: 1 } as const

type TReport = (stage: TJobProgress['stage'], progress: number) => void

/** Turns a render's per-stage progress into the job's overall progress. */
export function reportRenderStage(report: TReport): (stage: TRenderStage, progress: number) => void {
  return (stage, p) => report(stage, stage === 'rendering' ? p * STAGE_END.rendering : STAGE_END.rendering + p * (STAGE_END.encoding - STAGE_END.rendering))
}

/** Moves a finished render's output and poster into the asset store, reporting the storing stage. */
export async function storeRenderOutputs(
  store: AssetStore,
  files: { outputFile: string; posterFile: string },
  report: TReport,
): Promise<Pick<TGenerationOutput, 'assetSha256' | 'byteSize' | 'posterSha256' | 'posterByteSize'>> {
  report('storing', STAGE_END.encoding)
  const output = await store.putFile(files.outputFile)
  const poster = await store.putFile(files.posterFile)
  report('storing', STAGE_END.storing)
  return { assetSha256: output.sha256, byteSize: output.byteSize, posterSha256: poster.sha256, posterByteSize: poster.byteSize }
}
