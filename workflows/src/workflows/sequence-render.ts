import type { TRenderSequenceOutput, TSequenceRenderGenerationInput } from '@montage/core'
import { localControl as control, sequenceActivities } from './render-activities'
import { runWithCredits } from './run-with-credits'

export interface SequenceRenderWorkflowArgs {
  input: TSequenceRenderGenerationInput
  gpuTaskQueue: string
}

export interface SequenceRenderWorkflowResult {
  status: 'succeeded'
  /** The H.264 master with its renditions, and the ProRes master's sha when one was asked for. */
  output: TRenderSequenceOutput
}

/**
 * A render of a sequence into a new version of it (a variation under the sequence), with the
 * bookkeeping of any generation: credits reserved by the starter, the placeholder marked running,
 * the render on the gpu queue, its assets recorded, the row finished and the credits settled;
 * a failure or a cancel releases them, so a failed render costs nothing. Started as
 * `generation/<id>`, so Cancel and the board's progress treat it like any other job.
 */
export async function sequenceRenderWorkflow({ input, gpuTaskQueue }: SequenceRenderWorkflowArgs): Promise<SequenceRenderWorkflowResult> {
  const gpu = sequenceActivities(gpuTaskQueue)
  // The control steps need the row's fields, not the timeline: kept out of their histories.
  const { timeline, ...row } = input
  const render = async (): Promise<TRenderSequenceOutput> => {
    const output = await gpu.renderSequence({
      generationId: input.generationId,
      workspaceId: input.workspaceId,
      boardId: input.boardId,
      variationId: input.variationId,
      timeline,
      prores: input.params.prores,
    })
    if (output.proresSha256 && output.proresByteSize) {
      // The finishing master is served and downloaded like any asset of the workspace.
      await control.recordOutputAsset({
        input: row,
        asset: { sha256: output.proresSha256, mimeType: 'video/quicktime', byteSize: output.proresByteSize, width: output.width, height: output.height, durationSeconds: output.durationSeconds },
      })
    }
    return output
  }
  const output = await runWithCredits(control, row, render, 'The sequence render failed for an unknown reason.')
  return { status: 'succeeded', output: output as TRenderSequenceOutput }
}
