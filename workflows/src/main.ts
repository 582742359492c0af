import { Client } from '@temporalio/client'
import { NativeConnection } from '@temporalio/worker'
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { z } from 'zod'
import { exitOnEnvError, parseEnv, taskQueueName, webhookRetryFromEnv, ZTaskQueuePrefix, ZWebhookEnv } from '@montage/core'
import { assertMigrated, createDb } from '@montage/db'
import { ensureBoardCommandStream } from '@montage/board'
import { databaseOptions, natsConnectOptions, temporalConnectionOptions, withConnectionChecks, ZDatabaseEnv, ZNatsEnv, ZTemporalEnv } from '@montage/runtime/config'
import { createLogger, logUncaughtErrors, ZLogLevel } from '@montage/runtime/log'
import { installTemporalRuntime } from '@montage/runtime/temporal'
import { createJobMetrics, natsCheck, postgresCheck, prepareWorkerOps, temporalWorkerCheck } from '@montage/runtime/ops'
import { createControlWorker } from './create-control-worker'
import { sweepWebhookDeliveries } from './sweep-webhook-deliveries'

const env = exitOnEnvError(() =>
  parseEnv(withConnectionChecks(z.object({ ...ZDatabaseEnv.shape, ...ZNatsEnv.shape, ...ZTemporalEnv.shape, ...ZWebhookEnv.shape, TASK_QUEUE_PREFIX: ZTaskQueuePrefix, LOG_LEVEL: ZLogLevel }))),
)
const connections = exitOnEnvError(() => ({ db: databaseOptions(env), nats: natsConnectOptions(env, 'montage-workflows'), temporal: temporalConnectionOptions(env) }))
const log = createLogger('workflows', { level: env.LOG_LEVEL })
logUncaughtErrors(log)
const ops = await prepareWorkerOps({ service: 'workflows' })
installTemporalRuntime({ logger: log, metrics: ops.temporalMetrics })

const db = createDb(connections.db)
await assertMigrated(db)
const nc = await connect(connections.nats)
await ensureBoardCommandStream(await jetstreamManager(nc))
const connection = await NativeConnection.connect(connections.temporal)
const worker = await createControlWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  taskQueuePrefix: env.TASK_QUEUE_PREFIX,
  db,
  js: jetstream(nc),
  metrics: createJobMetrics(ops.registry),
  webhooks: { retry: webhookRetryFromEnv(env), allowPrivate: env.MONTAGE_WEBHOOKS_ALLOW_PRIVATE },
  tracing: ops.temporalTracing ?? undefined,
})
await ops.listen([postgresCheck(db), natsCheck(nc), temporalWorkerCheck(worker)])

// No signal handlers of ours: the SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown, and a
// second `worker.shutdown()` from here threw (IllegalStateError: DRAINING) on every stop.
const taskQueue = taskQueueName(env.TASK_QUEUE_PREFIX, 'control')
log.info({ taskQueue, namespace: env.TEMPORAL_NAMESPACE }, `worker on queue ${taskQueue}`)
// Webhook deliveries recorded but never started (Temporal was unreachable from web): started here.
const webhookClient = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE })
const sweep = setInterval(() => {
  sweepWebhookDeliveries({ db, client: webhookClient, taskQueuePrefix: env.TASK_QUEUE_PREFIX, retry: webhookRetryFromEnv(env) })
    .then((n) => n > 0 && log.info({ started: n }, 'started stranded webhook deliveries'))
    .catch((e: unknown) => log.warn({ err: e }, 'webhook delivery sweep failed'))
}, 60_000)
await worker.run()
clearInterval(sweep)
await nc.drain()
await connection.close()
await db.end()
await ops.close()
