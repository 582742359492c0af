import { NativeConnection } from '@temporalio/worker'
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { z } from 'zod'
import { exitOnEnvError, parseEnv, ZDatabaseUrl, ZNatsUrl, ZTaskQueuePrefix, ZTemporalAddress } from '@montage/core'
import { createDb, migrate } from '@montage/db'
import { ensureBoardCommandStream } from '@montage/board'
import { createJobMetrics, natsCheck, postgresCheck, prepareWorkerOps, temporalWorkerCheck } from '@montage/runtime/ops'
import { createControlWorker } from './create-control-worker'

const env = exitOnEnvError(() =>
  parseEnv(
    z.object({
      DATABASE_URL: ZDatabaseUrl,
      NATS_URL: ZNatsUrl,
      TEMPORAL_ADDRESS: ZTemporalAddress,
      TEMPORAL_NAMESPACE: z.string().default('default'),
      TASK_QUEUE_PREFIX: ZTaskQueuePrefix,
    }),
  ),
)

const ops = await prepareWorkerOps({ service: 'workflows' })
const db = createDb({ url: env.DATABASE_URL })
await migrate(db)
const nc = await connect({ servers: env.NATS_URL, name: 'montage-workflows' })
await ensureBoardCommandStream(await jetstreamManager(nc))
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS })
const worker = await createControlWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  taskQueuePrefix: env.TASK_QUEUE_PREFIX,
  db,
  js: jetstream(nc),
  metrics: createJobMetrics(ops.registry),
  tracing: ops.temporalTracing ?? undefined,
})
await ops.listen([postgresCheck(db), natsCheck(nc), temporalWorkerCheck(worker)])

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown())
console.log(`workflows: worker on queue ${env.TASK_QUEUE_PREFIX ? env.TASK_QUEUE_PREFIX + '-' : ''}control`)
await worker.run()
await nc.drain()
await connection.close()
await db.end()
await ops.close()
