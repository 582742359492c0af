import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger, type MetricsExporterConfig } from '@temporalio/worker'
import type { Logger } from 'pino'

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const

/**
 * The SDK's logs (worker lifecycle, Core's own, and activities' `Context.current().log` with the
 * workflow's ids) as lines of our logger. `workflowRunId` becomes `runId` as in our other lines; the
 * task token is left out, since whoever holds it can complete the activity.
 */
export function temporalLoggerFor(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(meta ?? {})) {
      if (key === 'taskToken') continue
      if (key === 'workflowRunId') fields.runId = value
      else if (value instanceof Error) fields.err = value
      else fields[key] = value
    }
    logger[PINO_LEVEL[level]](fields, message)
  }
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  }
}

export interface InstallTemporalRuntimeOptions {
  logger: Logger
  /** The SDK's worker metrics (Prometheus or OTLP), exported by Core. */
  metrics?: MetricsExporterConfig
}

/**
 * Installs the Temporal SDK's process-wide runtime, once, before the first connection: its logs
 * (Core's forwarded too) go through `logger`, and its metrics where `metrics` says. Every worker
 * process calls this, and only this, since the SDK takes one `Runtime.install` per process.
 */
export function installTemporalRuntime({ logger, metrics }: InstallTemporalRuntimeOptions): Runtime {
  const verbose = logger.isLevelEnabled('debug')
  return Runtime.install({
    logger: temporalLoggerFor(logger),
    telemetryOptions: {
      // Core at INFO is a line per poll; WARN unless someone asked for debug logs.
      logging: { filter: { core: verbose ? 'INFO' : 'WARN', other: 'ERROR' }, forward: {} },
      ...(metrics ? { metrics } : {}),
    },
  })
}
