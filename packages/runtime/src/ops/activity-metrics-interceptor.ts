import type { ActivityInterceptorsFactory } from '@temporalio/worker'
import type { TActivityMetrics } from './metrics'

/** An activity interceptor that times every activity the worker runs, by type and outcome. */
export function activityMetricsInterceptor(metrics: TActivityMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const started = process.hrtime.bigint()
        let outcome: 'ok' | 'error' = 'error'
        try {
          const result = await next(input)
          outcome = 'ok'
          return result
        } finally {
          metrics.observe(ctx.info.activityType, outcome, Number(process.hrtime.bigint() - started) / 1e9)
        }
      },
    },
  })
}
