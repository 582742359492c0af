import { createAssetStore, ZAssetStoreEnv } from '@montage/assets'
import { exitOnEnvError, parseEnv, taskQueueName, ZTaskQueuePrefix } from '@montage/core'
import { NativeConnection, Worker } from '@temporalio/worker'
import { activityMetricsInterceptor, assetStoreCheck, createActivityMetrics, createAssetStoreMetrics, meterAssetStore, natsCheck, prepareWorkerOps, temporalWorkerCheck } from '@montage/runtime/ops'
import { connect } from '@nats-io/transport-node'
import { natsConnectOptions, temporalConnectionOptions, withConnectionChecks, ZNatsEnv, ZTemporalEnv } from '@montage/runtime/config'
import { createLogger, logUncaughtErrors, ZLogLevel } from '@montage/runtime/log'
import { installTemporalRuntime } from '@montage/runtime/temporal'
import { mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { resolveFfmpegPaths } from './ffmpeg/ffmpeg-paths'
import { createHostedActivities } from './hosted/create-hosted-activities'

const env = exitOnEnvError(() =>
  parseEnv(
    withConnectionChecks(ZAssetStoreEnv.safeExtend({
      ...ZTemporalEnv.shape,
      ...ZNatsEnv.shape,
      LOG_LEVEL: ZLogLevel,
      TASK_QUEUE_PREFIX: ZTaskQueuePrefix,
      DATA_DIR: z.string().min(1, 'DATA_DIR is required (scratch files, and the assets of the local store)'),
      /** Without it the worker still runs, and Runway generations fail with that reason. */
      RUNWAYML_API_SECRET: z.string().min(1).optional(),
      RUNWAY_API_BASE_URL: z.string().url().optional(),
      /** Runway asks for 5 s or more; tests against the local stand-in set less. */
      RUNWAY_POLL_INTERVAL_MS: z.coerce.number().int().min(1).default(5000),
      /** Polling holds no GPU, so many tasks fit one worker. */
      HOSTED_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
    })),
  ),
)
const connections = exitOnEnvError(() => ({ nats: natsConnectOptions(env, 'hosted-worker'), temporal: temporalConnectionOptions(env) }))
const log = createLogger('hosted-worker', { level: env.LOG_LEVEL })
logUncaughtErrors(log)
const ops = await prepareWorkerOps({ service: 'hosted-worker' })
installTemporalRuntime({ logger: log, metrics: ops.temporalMetrics })

const store = meterAssetStore(createAssetStore(env), createAssetStoreMetrics(ops.registry))
const workDir = path.join(env.DATA_DIR, 'tmp', 'hosted-worker')
await mkdir(workDir, { recursive: true })
const nats = await connect(connections.nats)
const connection = await NativeConnection.connect(connections.temporal)
const taskQueue = taskQueueName(env.TASK_QUEUE_PREFIX, 'hosted')

const worker = await Worker.create({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  taskQueue,
  identity: `hosted-worker@${hostname()}:${process.pid}`,
  activities: createHostedActivities({
    store,
    ffmpeg: resolveFfmpegPaths(process.env),
    workDir,
    nats,
    runway: env.RUNWAYML_API_SECRET ? { apiSecret: env.RUNWAYML_API_SECRET, baseUrl: env.RUNWAY_API_BASE_URL, pollIntervalMs: env.RUNWAY_POLL_INTERVAL_MS } : undefined,
  }),
  maxConcurrentActivityTaskExecutions: env.HOSTED_WORKER_CONCURRENCY,
  interceptors: { activity: [activityMetricsInterceptor(createActivityMetrics(ops.registry)), ...(ops.temporalTracing?.activity ?? [])] },
  shutdownGraceTime: '10s',
})
if (!env.RUNWAYML_API_SECRET) log.warn('Runway models unavailable: RUNWAYML_API_SECRET is not set')
log.info({ taskQueue, namespace: env.TEMPORAL_NAMESPACE }, `worker on queue ${taskQueue}`)
await ops.listen([natsCheck(nats), temporalWorkerCheck(worker), assetStoreCheck(store)])

try {
  await worker.run()
} finally {
  await nats.drain().catch(() => undefined)
  await connection.close().catch(() => undefined)
  await ops.close()
  log.info('stopped')
}
