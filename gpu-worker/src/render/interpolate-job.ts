import { AppError, AppErrorCode, parseInput, ZInterpolateInput, type TGenerationOutput, type TInterpolateInput } from '@montage/core'
import { interpolateTransform } from '../engine/ops/interpolate'
import { renderSourceEdit } from './render-source-edit'
import { runEditJob, type TEditJobDeps, type TEditJobHooks } from './run-edit-job'


/** Doubles a stored clip's frame rate (24 → 48 fps) at the same duration. */
export async function interpolateJob(deps: TEditJobDeps, input: TInterpolateInput, hooks: TEditJobHooks = {}): Promise<TGenerationOutput> {
  const job = parseInput(ZInterpolateInput, input)
  return runEditJob(deps, { kind: 'interpolate', generationId: job.generationId, sources: [{ field: 'sourceSha256', sha256: job.sourceSha256, what: 'the clip to edit' }] }, hooks, (context) => {
    const { info, label } = context.sources[0]!
    if (info.kind !== 'video') {
      throw new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `${label} is a still; interpolation needs a video`, { field: 'sourceSha256' })
    }
    if (info.fps.num / info.fps.den > 60) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `${label} is already ${(info.fps.num / info.fps.den).toFixed(2)} fps; interpolation takes clips up to 60 fps`, { field: 'sourceSha256' })
    }
    return renderSourceEdit(deps.engine, context, { rateFactor: job.params.factor, transform: (size) => interpolateTransform(deps.engine, size) })
  })
}
