import { parseInput, ZEditFocus, ZRestyleParams, type TGenerationOutput, type TRestyleInput } from '@montage/core'
import { z } from 'zod'
import { restyleTransform } from '../engine/ops/restyle'
import { renderSourceEdit } from './render-source-edit'
import { runEditJob, ZAssetSha256, ZJobId, type TEditJobDeps, type TEditJobHooks } from './run-edit-job'

const ZRestyleInput = z.object({ generationId: ZJobId, workspaceId: z.string().min(1), sourceSha256: ZAssetSha256, params: ZRestyleParams, focus: ZEditFocus.optional() })

/** Restyles a stored still or clip with a stylization preset, stable from frame to frame. */
export async function restyleJob(deps: TEditJobDeps, input: TRestyleInput, hooks: TEditJobHooks = {}): Promise<TGenerationOutput> {
  const job = parseInput(ZRestyleInput, input)
  return runEditJob(deps, { kind: 'restyle', generationId: job.generationId, sources: [{ field: 'sourceSha256', sha256: job.sourceSha256, what: 'the clip to edit' }] }, hooks, (context) =>
    renderSourceEdit(deps.engine, context, { focus: job.focus, transform: (size) => restyleTransform(deps.engine, job.params, size) }),
  )
}
