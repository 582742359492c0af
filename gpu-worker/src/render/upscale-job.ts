import { AppError, AppErrorCode, parseInput, ZUpscaleInput, type TGenerationOutput, type TUpscaleInput } from '@montage/core'
import { upscaleTransform } from '../engine/ops/upscale'
import { workingSize } from '../engine/open-source'
import { MAX_VIDEO_SIDE } from '../ffmpeg/probe-media'
import { renderSourceEdit } from './render-source-edit'
import { runEditJob, type TEditJobDeps, type TEditJobHooks } from './run-edit-job'


/** Upscales a stored still or clip 2× or 4×; outputs past 4096 pixels a side are refused. */
export async function upscaleJob(deps: TEditJobDeps, input: TUpscaleInput, hooks: TEditJobHooks = {}): Promise<TGenerationOutput> {
  const job = parseInput(ZUpscaleInput, input)
  const { factor } = job.params
  return runEditJob(deps, { kind: 'upscale', generationId: job.generationId, sources: [{ field: 'sourceSha256', sha256: job.sourceSha256, what: 'the clip to edit' }] }, hooks, (context) => {
    const size = workingSize(context.sources[0]!.info)
    if (Math.max(size.width, size.height) * factor > MAX_VIDEO_SIDE) {
      throw new AppError(
        AppErrorCode.BAD_REQUEST,
        `params.factor: ${factor}× of ${size.width}×${size.height} would be ${size.width * factor}×${size.height * factor}, larger than ${MAX_VIDEO_SIDE} a side`,
        { field: 'params.factor' },
      )
    }
    return renderSourceEdit(deps.engine, context, {
      outputSize: ({ width, height }) => ({ width: width * factor, height: height * factor }),
      transform: (s) => upscaleTransform(deps.engine, factor, s),
    })
  })
}
