import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { taskQueueName } from '@montage/core'
import { createControlActivities, createIngestActivities, type ControlActivityDeps } from './activities'

export interface CreateControlWorkerOptions extends ControlActivityDeps {
  connection: NativeConnection
  namespace: string
  taskQueuePrefix: string
  /** A prebuilt bundle (tests build it once for several workers). */
  workflowBundle?: WorkflowBundleWithSourceMap
}

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url))

/** The bundler reports through the process's Temporal runtime logger (JSON lines once `installTemporalRuntime` ran). */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: Runtime.instance().logger })
}

/** The Temporal worker of queue `control`: workflow code plus the control-plane activities. */
export async function createControlWorker(opts: CreateControlWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
    identity: `workflows@${hostname()}:${process.pid}`,
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
    activities: { ...createControlActivities({ db: opts.db, js: opts.js }), ...createIngestActivities({ db: opts.db, js: opts.js }) },
  })
}
