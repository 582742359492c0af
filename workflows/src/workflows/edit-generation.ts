import { ApplicationFailure } from '@temporalio/workflow'
import type { TEditGenerationInput, TGenerationOutput } from '@montage/core'
import { gpuActivities, hostedActivities, localControl as control } from './render-activities'
import { runWithCredits } from './run-with-credits'

export interface EditGenerationWorkflowArgs {
  input: TEditGenerationInput
  gpuTaskQueue: string
  hostedTaskQueue: string
}

export interface EditGenerationWorkflowResult {
  status: 'succeeded'
  output: TGenerationOutput
}

/**
 * One edit of a finished variation, with the same credit and board bookkeeping as a generation:
 * reserve (already done by the starter, so a no-op here), render, record, settle; every way out
 * releases the credits and tells the board. The new variation carries `parentVariationId`.
 */
export async function editGenerationWorkflow({ input, gpuTaskQueue, hostedTaskQueue }: EditGenerationWorkflowArgs): Promise<EditGenerationWorkflowResult> {
  const gpu = gpuActivities(gpuTaskQueue)
  const hosted = hostedActivities(hostedTaskQueue)

  const render = async (): Promise<TGenerationOutput> => {
    const target = { generationId: input.generationId, workspaceId: input.workspaceId, boardId: input.boardId, variationId: input.variationId }
    const source = { ...target, sourceSha256: input.sourceAssetSha256 }
    let output: TGenerationOutput
    switch (input.model) {
      case 'relight':
        output = await gpu.relight({ ...source, params: input.params, ...(input.focus ? { focus: input.focus } : {}) })
        break
      case 'restyle':
        output = await gpu.restyle({ ...source, params: input.params, ...(input.focus ? { focus: input.focus } : {}) })
        break
      case 'upscale':
        output = await gpu.upscale({ ...source, params: input.params })
        break
      case 'interpolate':
        output = await gpu.interpolate({ ...source, params: input.params })
        break
      case 'composite': {
        const [backgroundSha256] = input.referenceAssets
        if (!backgroundSha256) throw ApplicationFailure.nonRetryable('A composite needs an environment plate: link a reference image to the shot.', 'BAD_INPUT')
        output = await gpu.composite({ ...target, foregroundSha256: input.sourceAssetSha256, backgroundSha256, params: input.params })
        break
      }
      case 'aleph2':
      case 'magnific_video_upscaler_creative':
      case 'magnific_precision_upscaler_v2':
      case 'upscale_v1':
        output = await hosted.runHostedModel({
          ...target,
          model: input.model,
          prompt: input.prompt,
          params: input.params,
          referenceAssets: [input.sourceAssetSha256, ...input.referenceAssets],
        })
        break
    }
    return output
  }
  const output = await runWithCredits(control, input, render, 'The edit failed for an unknown reason.')
  return { status: 'succeeded', output }
}
