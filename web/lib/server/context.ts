import { Client, Connection } from '@temporalio/client'
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry'
import { createAssetStore, type AssetStore } from '@montage/assets'
import { createPasswordHasher, ensureLocalKeys, resolveJwtKey, type LocalKeys, type PasswordHasher } from '@montage/auth'
import { createDb, type Sql } from '@montage/db'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream as jetstreamFor, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream'
import { ensureBoardCommandStream } from '@montage/board'
import { databaseOptions, natsConnectOptions, temporalConnectionOptions } from '@montage/runtime/config'
import { webEnv } from './env'
import { loadMediaUrlSecret } from './media-url-secret'
import { loadSigningCredentials, type TSigningCredentials } from '@montage/provenance/sign'
import { ConcurrencyGate } from './downloads/concurrency-gate'

/**
 * The server's dependencies, created lazily once per process. Next gives route handlers no
 * constructor to pass them through, so this is the one place that holds them.
 */
interface ServerContext {
  sql?: Sql
  temporal?: Promise<Client>
  store?: AssetStore
  jwtKey?: Promise<string>
  localKeys?: Promise<LocalKeys>
  nats?: Promise<NatsConnection>
  jetstream?: Promise<JetStreamClient>
  mediaUrlSecret?: Promise<Buffer>
  passwordHasher?: PasswordHasher
  signingCredentials?: Promise<TSigningCredentials>
  signingGate?: ConcurrencyGate
}

const globalKey = Symbol.for('montage.web.context')
const holder = globalThis as unknown as { [globalKey]?: ServerContext }
// Survives dev-mode module reloads, which would otherwise leak a pool per edit.
const ctx: ServerContext = (holder[globalKey] ??= {})

export function db(): Sql {
  return (ctx.sql ??= createDb({ ...databaseOptions(webEnv()), max: 10 }))
}

export function temporalClient(): Promise<Client> {
  if (!ctx.temporal) {
    const env = webEnv()
    ctx.temporal = Connection.connect({ ...temporalConnectionOptions(env), connectTimeout: 5_000 })
      // The interceptor puts the request's trace into the workflow's headers (a no-op while tracing is off).
      .then((connection) => new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }))
      .catch((e: unknown) => {
        ctx.temporal = undefined // retry on the next request
        throw e
      })
  }
  return ctx.temporal
}

/** The asset store ASSET_STORE names: `$DATA_DIR/assets` by default, or an S3 bucket. */
export function assetStore(): AssetStore {
  return (ctx.store ??= createAssetStore(webEnv()))
}

export function jwtKey(): Promise<string> {
  const env = webEnv()
  return (ctx.jwtKey ??= resolveJwtKey({ authMode: env.AUTH_MODE, dataDir: env.DATA_DIR, keysDir: env.AUTH_KEYS_DIR, clerkJwtKey: env.CLERK_JWT_KEY }))
}

/** Local mode only: the key pair that signs session tokens. */
export function localKeys(): Promise<LocalKeys> {
  return (ctx.localKeys ??= ensureLocalKeys(webEnv().DATA_DIR, webEnv().AUTH_KEYS_DIR))
}

/** The NATS connection (core messages such as session revokes; JetStream rides on it). */
export function natsConnection(): Promise<NatsConnection> {
  ctx.nats ??= connect(natsConnectOptions(webEnv(), 'montage-web')).catch((e: unknown) => {
    ctx.nats = undefined // retry on the next request
    throw e
  })
  return ctx.nats
}

/** Password hashing (scrypt, 128 MiB a run): at most two runs at once per web process. */
export function passwordHasher(): PasswordHasher {
  return (ctx.passwordHasher ??= createPasswordHasher({ concurrency: 2 }))
}

/** JetStream, for board commands that only the collab-server holding the live board can apply. */
export function jetstream(): Promise<JetStreamClient> {
  if (!ctx.jetstream) {
    ctx.jetstream = (async () => {
      const nc = await natsConnection()
      await ensureBoardCommandStream(await jetstreamManager(nc))
      return jetstreamFor(nc)
    })().catch((e: unknown) => {
      ctx.jetstream = undefined // retry on the next request
      throw e
    })
  }
  return ctx.jetstream
}

/** The HMAC key of signed asset URLs (`/api/media/…`). */
export function mediaUrlSecret(): Promise<Buffer> {
  const env = webEnv()
  return (ctx.mediaUrlSecret ??= loadMediaUrlSecret({ dataDir: env.DATA_DIR, secret: env.MEDIA_URL_SECRET }).catch((e: unknown) => {
    ctx.mediaUrlSecret = undefined // retry on the next request
    throw e
  }))
}

/** The Content Credentials signer: C2PA_SIGNING_CERT_FILE/KEY_FILE, or the test signer in DATA_DIR/c2pa. */
export function signingCredentials(): Promise<TSigningCredentials> {
  const env = webEnv()
  return (ctx.signingCredentials ??= loadSigningCredentials({ env, dataDir: env.DATA_DIR }).catch((e: unknown) => {
    ctx.signingCredentials = undefined // retry on the next request
    throw e
  }))
}

/** Two files signed at a time per web process (each held in memory while it is signed). */
export function signingGate(): ConcurrencyGate {
  return (ctx.signingGate ??= new ConcurrencyGate(2))
}
