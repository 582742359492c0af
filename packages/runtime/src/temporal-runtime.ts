import { Runtime, type Logger } from '@temporalio/worker'

export interface InstallTemporalRuntimeOptions {
  /** Where the SDK's worker logs go (the process's logger). */
  logger?: Logger
  /**
   * `host:port` for the SDK's own Prometheus endpoint (its worker metrics: polls, task latencies,
   * slots, sticky cache); loopback, since the process's `/metrics` appends it. Unset: no SDK metrics.
   */
  metricsBindAddress?: string
}

export interface TTemporalRuntime {
  /** The SDK's Prometheus endpoint, for `startOpsServer({ temporalMetricsUrl })`; undefined without metrics. */
  metricsUrl?: string
}

/**
 * Installs the Temporal SDK's runtime, once per process and before any worker connection: its
 * logger and its Prometheus metrics exporter.
 */
export function installTemporalRuntime(o: InstallTemporalRuntimeOptions = {}): TTemporalRuntime {
  Runtime.install({
    ...(o.logger ? { logger: o.logger } : {}),
    telemetryOptions: o.metricsBindAddress ? { metrics: { prometheus: { bindAddress: o.metricsBindAddress } } } : undefined,
  })
  return { metricsUrl: o.metricsBindAddress ? `http://${o.metricsBindAddress}/metrics` : undefined }
}
