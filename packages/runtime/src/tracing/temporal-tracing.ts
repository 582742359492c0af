import { createRequire } from 'node:module'
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry'
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker'
import type { WorkflowClientInterceptor } from '@temporalio/client'
import type { TTracing } from './setup-tracing'

const require = createRequire(import.meta.url)

/**
 * The workflow-side interceptors' module: it must be in the workflow bundle
 * (`bundleWorkflowCode({ workflowInterceptorModules })`, or the worker's `interceptors.workflowModules`).
 */
export const OTEL_WORKFLOW_INTERCEPTORS_MODULE: string = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')

export interface TTemporalWorkerTracing {
  workflowModules: string[]
  activity: ActivityInterceptorsFactory[]
  /** Workflow code cannot export spans itself: they leave the sandbox through this sink. */
  sinks: InjectedSinks<Record<string, never>>
}

/**
 * What a worker adds to trace its workflows and activities (as `@temporalio/interceptors-opentelemetry`
 * documents): the workflow interceptors, the activity interceptors, and the workflow span sink.
 */
export function temporalWorkerTracing(tracing: TTracing): TTemporalWorkerTracing {
  return {
    workflowModules: [OTEL_WORKFLOW_INTERCEPTORS_MODULE],
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } as unknown as InjectedSinks<Record<string, never>>,
  }
}

/** A client's interceptors: a workflow start carries the caller's trace in its headers. */
export function temporalClientTracing(): { workflow: WorkflowClientInterceptor[] } {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] }
}
