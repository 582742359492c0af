import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow'
import type { TGpuActivities, TIngestAssetOutput, TIngestAssetWorkflowArgs } from '@montage/core'
import type { IngestActivities } from '../activities'

const control = proxyActivities<IngestActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
})

function reasonOf(err: unknown): string {
  let e: unknown = err
  while (e instanceof ActivityFailure && e.cause) e = e.cause
  return e instanceof Error && e.message ? e.message : 'Ingest failed for an unknown reason.'
}

/**
 * An upload's renditions: the gpu-worker probes it and makes a poster, a thumbnail strip and (for
 * video) a web proxy; then the asset row records them and the board's shape shows them. A
 * failure is recorded as such, so the board never waits on a spinner forever.
 */
export async function ingestAssetWorkflow(args: TIngestAssetWorkflowArgs): Promise<TIngestAssetOutput> {
  const { gpuTaskQueue, ...target } = args
  const gpu = proxyActivities<TGpuActivities>({
    taskQueue: gpuTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  })
  let output: TIngestAssetOutput
  try {
    output = await gpu.ingestAsset({ assetId: target.assetId, workspaceId: target.workspaceId, sha256: target.sha256, mimeType: target.mimeType })
  } catch (err) {
    await control.failAssetIngest({ target, reason: reasonOf(err) })
    throw ApplicationFailure.nonRetryable(reasonOf(err), 'INGEST_FAILED')
  }
  await control.completeAssetIngest({ target, output })
  return output
}
