import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
} from '@temporalio/workflow'
import type { TGenerationInput, TGenerationOutput, TGpuActivities } from '@montage/core'
import type { ControlActivities } from '../activities'

export interface GenerationWorkflowArgs {
  input: TGenerationInput
  /** The queue the model runs on (`gpu`, or a prefixed one in tests). */
  gpuTaskQueue: string
}

export interface GenerationWorkflowResult {
  status: 'succeeded'
  output: TGenerationOutput
}

const control = proxyActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
})

/** The root cause of an activity failure, as a sentence a person can act on. */
function reasonOf(err: unknown): string {
  let e: unknown = err
  while (e instanceof ActivityFailure && e.cause) e = e.cause
  if (e instanceof ApplicationFailure && e.type === 'INSUFFICIENT_CREDITS') return e.message
  return e instanceof Error && e.message ? e.message : 'The render failed for an unknown reason.'
}

/**
 * One generation: reserve credits, render on the model's queue, record the result, settle.
 * Every way out (failure, cancel) releases the credits and tells the board.
 */
export async function generationWorkflow({ input, gpuTaskQueue }: GenerationWorkflowArgs): Promise<GenerationWorkflowResult> {
  const gpu = proxyActivities<TGpuActivities>({
    taskQueue: gpuTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  })

  try {
    await control.reserveGenerationCredits(input)
  } catch (err) {
    await control.finishGenerationUnsuccessfully({ input, status: 'failed', reason: reasonOf(err) })
    throw ApplicationFailure.nonRetryable(reasonOf(err), 'GENERATION_FAILED')
  }

  try {
    await control.markGenerationStarted(input)
    const [plateSha256] = input.referenceAssets
    if (!plateSha256) throw ApplicationFailure.nonRetryable('Previz needs a reference image as its plate.', 'BAD_INPUT')
    const output = await gpu.renderPreviz({
      generationId: input.generationId,
      workspaceId: input.workspaceId,
      params: input.params as Parameters<TGpuActivities['renderPreviz']>[0]['params'],
      plateSha256,
    })
    await control.completeGeneration({ input, output })
    return { status: 'succeeded', output }
  } catch (err) {
    const cancelled = isCancellation(err)
    const reason = cancelled ? 'Cancelled.' : reasonOf(err)
    // Runs even when the workflow itself is being cancelled.
    await CancellationScope.nonCancellable(() =>
      control.finishGenerationUnsuccessfully({ input, status: cancelled ? 'cancelled' : 'failed', reason }),
    )
    if (cancelled) throw err
    throw ApplicationFailure.nonRetryable(reason, 'GENERATION_FAILED')
  }
}
