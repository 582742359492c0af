import { ActivityCancellationType, ApplicationFailure, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow'
import { MODELS, type TGenerationInput, type TGenerationOutput, type TGpuActivities, type THostedActivities } from '@montage/core'
import type { ControlActivities } from '../activities'
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

const remoteControl = proxyActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
})
/**
 * The control steps (credits, rows, board commands) as local activities: they run in this worker
 * inside the workflow task, without a server round trip each. As remote activities they were most
 * of a generation's overhead (`npm run bench -- pipeline`).
 */
const localControl = proxyLocalActivities<ControlActivities>({
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
  const gpu = proxyActivities<TGpuActivities>({
    taskQueue: gpuTaskQueue,
    startToCloseTimeout: '10 minutes',
    // Short, so a worker killed mid-render is noticed in seconds and the render restarts on another.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  })
  const hosted = proxyActivities<THostedActivities>({
    taskQueue: hostedTaskQueue ?? gpuTaskQueue.replace(/gpu$/, 'hosted'),
    // Provider renders queue and run for minutes; the task id in the heartbeat lets a retry resume it.
    startToCloseTimeout: '30 minutes',
    // Short: heartbeats are throttled to 80% of it, and a cancel only reaches the activity with one.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
    // Wait for the activity to abort the provider task before the credits are released.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  })

  const output = await runWithCredits(
    control,
    input,
    async () => {
      if (MODELS[input.model].taskQueue === 'hosted') {
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
      return gpu.renderPreviz({
        generationId: input.generationId,
        workspaceId: input.workspaceId,
        boardId: input.boardId,
        variationId: input.variationId,
        params: input.params as Parameters<TGpuActivities['renderPreviz']>[0]['params'],
        plateSha256,
      })
    },
    'The render failed for an unknown reason.',
  )
  return { status: 'succeeded', output }
}
