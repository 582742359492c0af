import { createAssetStore } from '@montage/assets'
import { exitOnEnvError, parseEnv, taskQueueName } from '@montage/core'
import { NativeConnection, Worker } from '@temporalio/worker'
import { activityMetricsInterceptor, assetStoreCheck, createActivityMetrics, createAssetStoreMetrics, meterAssetStore, natsCheck, prepareWorkerOps, temporalWorkerCheck } from '@montage/runtime/ops'
import { connect } from '@nats-io/transport-node'
import { natsConnectOptions, temporalConnectionOptions } from '@montage/runtime/config'
import { createLogger, logUncaughtErrors } from '@montage/runtime/log'
import { installTemporalRuntime } from '@montage/runtime/temporal'
import { mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'
import { createGpuActivities } from './activities/create-gpu-activities'
import { MediaEngine } from './engine/MediaEngine'
import { ZGpuWorkerEnv } from './env'
import { resolveFfmpegPaths } from './ffmpeg/ffmpeg-paths'

const env = exitOnEnvError(() => parseEnv(ZGpuWorkerEnv))
const connections = exitOnEnvError(() => ({ nats: natsConnectOptions(env, 'gpu-worker'), temporal: temporalConnectionOptions(env) }))
const log = createLogger('gpu-worker', { level: env.LOG_LEVEL })
logUncaughtErrors(log)
const ops = await prepareWorkerOps({ service: 'gpu-worker' })
installTemporalRuntime({ logger: log, metrics: ops.temporalMetrics })

const store = meterAssetStore(createAssetStore(env), createAssetStoreMetrics(ops.registry))
// Scratch files beside the local store's folder, so storing an output there is a rename rather than a copy.
const workDir = path.join(env.DATA_DIR, 'tmp', 'gpu-worker')
await mkdir(workDir, { recursive: true })
const engine = new MediaEngine({
  ffmpeg: resolveFfmpegPaths(process.env),
  executionProvider: env.ENGINE_EXECUTION_PROVIDER,
  intraOpThreads: env.ENGINE_INTRA_OP_THREADS,
  workDir,
  logger: { info: (m, meta) => log.info(meta ?? {}, m), warn: (m, meta) => log.warn(meta ?? {}, m) },
})

const nats = await connect(connections.nats)
const connection = await NativeConnection.connect(connections.temporal)
const taskQueue = taskQueueName(env.TASK_QUEUE_PREFIX, 'gpu')

// No workflows here: the gpu queue only runs activities. The SDK runtime already turns
// SIGINT/SIGTERM into a graceful shutdown (in-flight activities get the grace time to finish).
const worker = await Worker.create({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  taskQueue,
  // Named so a workflow's history shows which kind of worker ran each activity.
  identity: `gpu-worker@${hostname()}:${process.pid}`,
  activities: createGpuActivities({ store, engine, nats }),
  maxConcurrentActivityTaskExecutions: env.GPU_WORKER_CONCURRENCY,
  interceptors: { activity: [activityMetricsInterceptor(createActivityMetrics(ops.registry)), ...(ops.temporalTracing?.activity ?? [])] },
  shutdownGraceTime: '30s',
})
log.info({ taskQueue, namespace: env.TEMPORAL_NAMESPACE, engine: env.ENGINE_EXECUTION_PROVIDER, assetStore: store.kind }, `worker on queue ${taskQueue}`)
await ops.listen([natsCheck(nats), temporalWorkerCheck(worker), assetStoreCheck(store)])

try {
  await worker.run()
} finally {
  await nats.drain().catch(() => undefined)
  await connection.close().catch(() => undefined)
  await ops.close()
  await engine.close()
  log.info('stopped')
}
