import { ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow'
import type { TGenerationInput, TGenerationOutput } from '@montage/core'
import type { ControlActivities } from '../activities'
import { gpuActivities, hostedActivities, localControl } from './render-activities'
import { runWithCredits } from './run-with-credits'

export interface GenerationWorkflowArgs {
  input: TGenerationInput
  /** The queue the local engine runs on (`gpu`, or a prefixed one in tests). */
  gpuTaskQueue: string
  /** The queue of provider calls (`hosted`); derived from `gpuTaskQueue` when absent (runs started before it existed). */
  hostedTaskQueue?: string
}

export interface GenerationWorkflowResult {
  status: 'succeeded'
  output: TGenerationOutput
}

/** The control steps as remote activities: how runs started before `localControl` replay. */
const remoteControl = proxyActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
})

/**
 * One generation: reserve credits, render on the model's queue, record the result, settle.
 * Every way out (failure, cancel) releases the credits and tells the board.
 */
export async function generationWorkflow({ input, gpuTaskQueue, hostedTaskQueue }: GenerationWorkflowArgs): Promise<GenerationWorkflowResult> {
  // Runs started before the control steps became local replay with the remote ones.
  const control = patched('control-local-activities') ? localControl : remoteControl
  const gpu = gpuActivities(gpuTaskQueue)
  const hosted = hostedActivities(hostedTaskQueue ?? gpuTaskQueue.replace(/gpu$/, 'hosted'))

  const output = await runWithCredits(
    control,
    input,
    async () => {
      // Previz is the one local model of the Generate menu; every other one is hosted.
      if (input.model !== 'previz') {
        return hosted.runHostedModel({
          generationId: input.generationId,
          workspaceId: input.workspaceId,
          boardId: input.boardId,
          variationId: input.variationId,
          model: input.model,
          prompt: input.prompt,
          params: input.params,
          referenceAssets: input.referenceAssets,
          ...(input.references?.length ? { references: input.references } : {}),
        })
      }
      // The prompt's first @tagged still is the plate; else the shot's first linked reference.
      const plateSha256 = input.references?.[0]?.assetSha256 ?? input.referenceAssets[0]
      if (!plateSha256) throw ApplicationFailure.nonRetryable('Previz needs a reference image as its plate.', 'BAD_INPUT')
      // A 2.5D move's depth map or matte is the reference beside the plate: the second one.
      const layerSource = input.params.layers?.source
      const layerSha256 = layerSource === 'depth' || layerSource === 'matte' ? (input.references?.[1]?.assetSha256 ?? input.referenceAssets[1]) : undefined
      if ((layerSource === 'depth' || layerSource === 'matte') && !layerSha256) {
        throw ApplicationFailure.nonRetryable(`Layers from a ${layerSource === 'depth' ? 'depth map' : 'matte'} need that image as the shot's second reference.`, 'BAD_INPUT')
      }
      return gpu.renderPreviz({
        generationId: input.generationId,
        workspaceId: input.workspaceId,
        boardId: input.boardId,
        variationId: input.variationId,
        params: input.params,
        plateSha256,
        ...(layerSha256 ? { layerSha256 } : {}),
      })
    },
    'The render failed for an unknown reason.',
  )
  return { status: 'succeeded', output }
}
