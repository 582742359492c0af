import { parseInput, ZRelightInput, type TGenerationOutput, type TRelightInput } from '@montage/core'
import { relightTransform } from '../engine/ops/relight'
import { renderSourceEdit } from './render-source-edit'
import { runEditJob, type TEditJobDeps, type TEditJobHooks } from './run-edit-job'


/** Relights a stored still or clip with a time-of-day preset and a key light. */
export async function relightJob(deps: TEditJobDeps, input: TRelightInput, hooks: TEditJobHooks = {}): Promise<TGenerationOutput> {
  const job = parseInput(ZRelightInput, input)
  return runEditJob(deps, { kind: 'relight', generationId: job.generationId, sources: [{ field: 'sourceSha256', sha256: job.sourceSha256, what: 'the clip to edit' }] }, hooks, (context) =>
    renderSourceEdit(deps.engine, context, { focus: job.focus, transform: (size) => relightTransform(deps.engine, job.params, size) }),
  )
}
