import { parseInput, ZRestyleInput, type TGenerationOutput, type TRestyleInput } from '@montage/core'
import { restyleTransform } from '../engine/ops/restyle'
import { renderSourceEdit } from './render-source-edit'
import { runEditJob, type TEditJobDeps, type TEditJobHooks } from './run-edit-job'


/** Restyles a stored still or clip with a stylization preset, stable from frame to frame. */
export async function restyleJob(deps: TEditJobDeps, input: TRestyleInput, hooks: TEditJobHooks = {}): Promise<TGenerationOutput> {
  const job = parseInput(ZRestyleInput, input)
  return runEditJob(deps, { kind: 'restyle', generationId: job.generationId, sources: [{ field: 'sourceSha256', sha256: job.sourceSha256, what: 'the clip to edit' }] }, hooks, (context) =>
    renderSourceEdit(deps.engine, context, { focus: job.focus, transform: (size) => restyleTransform(deps.engine, job.params, size) }),
  )
}
