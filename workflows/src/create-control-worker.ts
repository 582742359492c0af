import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type ActivityInterceptorsFactory, type InjectedSinks, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { Client } from '@temporalio/client'
import { DEFAULT_WEBHOOK_RETRY, taskQueueName, type TWebhookRetry } from '@montage/core'
import { createControlActivities, createIngestActivities, createWebhookActivities, type ControlActivityDeps } from './activities'

export interface CreateControlWorkerOptions extends Omit<ControlActivityDeps, 'emitWebhookEvent'> {
  connection: NativeConnection
  namespace: string
  taskQueuePrefix: string
  /** A prebuilt bundle (tests build it once for several workers); built with the tracing's workflow modules when tracing. */
  workflowBundle?: WorkflowBundleWithSourceMap
  /** Traces workflows and activities (`temporalWorkerTracing` of `@montage/runtime/tracing`). */
  /** How webhook deliveries are retried (WEBHOOK_RETRY_*; tests shorten it) and whether private targets are allowed. */
  webhooks?: { retry: TWebhookRetry; allowPrivate: boolean }
  tracing?: { workflowModules: string[]; activity: ActivityInterceptorsFactory[]; sinks: InjectedSinks<Record<string, never>> }
}

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url))

/**
 * The bundler reports through the process's Temporal runtime logger (JSON lines once `installTemporalRuntime` ran).
 * Workflow interceptor modules (tracing's) are built in when given.
 */
export async function bundleWorkflows(o: { workflowInterceptorModules?: string[] } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: o.workflowInterceptorModules, logger: Runtime.instance().logger })
}

/** The Temporal worker of queue `control`: workflow code plus the control-plane activities. */
export async function createControlWorker(opts: CreateControlWorkerOptions): Promise<Worker> {
  // The worker's own connection starts the delivery workflows of the events its activities record.
  const webhooks = createWebhookActivities({
    db: opts.db,
    client: new Client({ connection: opts.connection, namespace: opts.namespace }),
    taskQueuePrefix: opts.taskQueuePrefix,
    retry: opts.webhooks?.retry ?? DEFAULT_WEBHOOK_RETRY,
    allowPrivate: opts.webhooks?.allowPrivate ?? false,
  })
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
    identity: `workflows@${hostname()}:${process.pid}`,
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows({ workflowInterceptorModules: opts.tracing?.workflowModules })),
    activities: {
      ...createControlActivities({ db: opts.db, js: opts.js, metrics: opts.metrics, emitWebhookEvent: webhooks.emitWebhookEvent }),
      ...createIngestActivities({ db: opts.db, js: opts.js }),
      ...webhooks,
    },
    ...(opts.tracing ? { interceptors: { activity: opts.tracing.activity }, sinks: opts.tracing.sinks } : {}),
  })
}
