import { z } from 'zod'
import { connect } from '@nats-io/transport-node'
import { exitOnEnvError, parseEnv, ZAuthMode, ZDemoMode } from '@montage/core'
import { assertMigrated, createDb } from '@montage/db'
import { DEFAULT_BOARD_WRITE_LIMITS } from '@montage/board'
import { resolveJwtKey } from '@montage/auth'
import { databaseOptions, natsConnectOptions, withConnectionChecks, ZDatabaseEnv, ZNatsEnv } from '@montage/runtime/config'
import { createLogger, logUncaughtErrors, ZLogLevel } from '@montage/runtime/log'
import { createCollabServer } from './createCollabServer'
import { errorFields, fromPino } from './logger'
import { limitsFromEnv, ZLimitsEnv } from './limits-from-env'
import { startCollabOps } from './collab-ops'
import { indexUnindexedBoards } from './ShotSearchIndex'

const ZEnv = withConnectionChecks(ZLimitsEnv.extend({
  ...ZDatabaseEnv.shape,
  ...ZNatsEnv.shape,
  LOG_LEVEL: ZLogLevel,
  COLLAB_PORT: z.coerce.number().int().min(0).max(65_535).default(1234),
  COLLAB_HOST: z.string().min(1).default('127.0.0.1'),
  AUTH_MODE: ZAuthMode,
  CLERK_JWT_KEY: z.string().min(1).optional(),
  /** Demo mode: demo sessions count (they are refused otherwise). */
  MONTAGE_DEMO: ZDemoMode,
  DATA_DIR: z.string().min(1),
  AUTH_KEYS_DIR: z.string().min(1).optional(),
  /** One durable consumer name per deployment; every instance of it shares the work. */
  COLLAB_CONSUMER_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('collab-server'),
  /** Where a newly created consumer starts: `all` replays the stream once, `new` (test stacks) skips history. */
  COLLAB_COMMAND_DELIVER_POLICY: z.enum(['all', 'new']).default('all'),
  /** Lets NATS delete a consumer nobody pulled from for this long (test stacks); unset keeps it. */
  COLLAB_CONSUMER_INACTIVE_MS: z.coerce.number().int().positive().optional(),
  /** Records one board may hold; a client update past it is refused (4400, naming the limit). */
  COLLAB_MAX_BOARD_RECORDS: z.coerce.number().int().min(100).default(DEFAULT_BOARD_WRITE_LIMITS.maxRecords),
  /** Largest record a client may write, in KiB. */
  /** How long a client closed for misbehaving waits before it may reconnect (doubling on repeats, up to a minute). */
  COLLAB_RECONNECT_COOLDOWN_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  COLLAB_MAX_RECORD_KB: z.coerce.number().int().min(16).max(8_192).default(DEFAULT_BOARD_WRITE_LIMITS.maxRecordBytes / 1024),
}))

const env = exitOnEnvError(() => {
  const parsed = parseEnv(ZEnv)
  // Checked here rather than at the first connection, so a misconfigured deploy fails at once.
  if (parsed.AUTH_MODE === 'clerk' && !parsed.CLERK_JWT_KEY) {
    return parseEnv(ZEnv.extend({ CLERK_JWT_KEY: z.string({ error: 'required when AUTH_MODE=clerk' }).min(1) }))
  }
  return parsed
})

const connections = exitOnEnvError(() => ({ db: databaseOptions(env), nats: natsConnectOptions(env, 'collab-server') }))
const log = createLogger('collab-server', { level: env.LOG_LEVEL })
logUncaughtErrors(log)
const logger = fromPino(log)
const ops = startCollabOps()
const db = createDb(connections.db)
await assertMigrated(db)
// Only the relay publishes on this connection, and an instance skips its own relay messages:
// `noEcho` has NATS not send them back at all (half of a shared board's relay traffic).
const nats = await connect({ ...connections.nats, noEcho: true })
const jwtKey = await resolveJwtKey({ authMode: env.AUTH_MODE, dataDir: env.DATA_DIR, keysDir: env.AUTH_KEYS_DIR, clerkJwtKey: env.CLERK_JWT_KEY })
const server = createCollabServer({
  db,
  nats,
  jwtKey,
  authMode: env.AUTH_MODE,
  demoMode: env.MONTAGE_DEMO,
  logger,
  consumerName: env.COLLAB_CONSUMER_NAME,
  commandDeliverPolicy: env.COLLAB_COMMAND_DELIVER_POLICY,
  consumerInactiveThresholdMs: env.COLLAB_CONSUMER_INACTIVE_MS,
  ...limitsFromEnv(env),
  boardLimits: { maxRecords: env.COLLAB_MAX_BOARD_RECORDS, maxRecordBytes: env.COLLAB_MAX_RECORD_KB * 1024 },
  reconnectCooldownMs: env.COLLAB_RECONNECT_COOLDOWN_MS,
  ...ops.serverOptions({ db, nats }),
})
await server.listen(env.COLLAB_PORT, env.COLLAB_HOST)
await ops.listen()
// Boards nobody opened since search came (or since they were made) get their shots indexed.
const backfill = new AbortController()
void indexUnindexedBoards({ db, logger, signal: backfill.signal }).catch((e: unknown) => logger.warn('search backfill stopped', errorFields(e)))

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  logger.info('shutting down', { signal })
  backfill.abort()
  try {
    await server.close()
    await ops.close()
    await nats.drain()
    await db.end({ timeout: 5 })
    process.exit(0)
  } catch (e) {
    logger.error('shutdown failed', errorFields(e))
    process.exit(1)
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
