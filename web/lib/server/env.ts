import path from 'node:path'
import { z } from 'zod'
import { ZAssetStoreEnv } from '@montage/assets'
import { SIGNED_URL_TTL_SECONDS, ZWebhookEnv, ZAuthMode, ZDemoMode, ZLimitsEnv, ZSessionTtlHours, ZTaskQueuePrefix, limitsFromEnv, parseEnv, type TLimits } from '@montage/core'
import { withConnectionChecks, ZDatabaseEnv, ZNatsEnv, ZTemporalEnv } from '@montage/runtime/config'
import { ZLogLevel } from '@montage/runtime/log'
import { ZProvenanceEnv } from '@montage/provenance/env'

/** The repo root, from web/ (next runs with web/ as its working directory). */
function repoRoot(): string {
  const cwd = process.cwd()
  return path.basename(cwd) === 'web' ? path.dirname(cwd) : cwd
}

// The asset store's variables (ASSET_STORE, S3_*) with their checks; safeExtend keeps those checks.
const ZWebEnv = withConnectionChecks(ZAssetStoreEnv.safeExtend({
  ...ZDatabaseEnv.shape,
  ...ZNatsEnv.shape,
  ...ZTemporalEnv.shape,
  /** The Temporal UI, linked from a failed card for owners and producers (`job.inspect`). */
  TEMPORAL_UI_URL: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').default('http://127.0.0.1:8233'),
  LOG_LEVEL: ZLogLevel,
  TASK_QUEUE_PREFIX: ZTaskQueuePrefix,
  DATA_DIR: z.string().min(1).optional(),
  /** Where the local session signing keys live (default DATA_DIR/auth); every web and collab-server instance reads the same pair. */
  AUTH_KEYS_DIR: z.string().min(1).optional(),
  AUTH_MODE: ZAuthMode,
  CLERK_JWT_KEY: z.string().optional(),
  /** Demo mode: the passwordless demo people and sign-in by name, on loopback only (`npm start` turns it on). */
  MONTAGE_DEMO: ZDemoMode,
  /** How long a password sign-in lasts, in hours (7 days by default). */
  SESSION_TTL_HOURS: ZSessionTtlHours,
  /** Clerk mode: the security headers let the browser reach the Frontend API host it names. */
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: z.string().optional(),
  /** tldraw's licence key for production deployments, handed to the canvas (it is shown to browsers, as tldraw intends). */
  TLDRAW_LICENSE_KEY: z.string().min(1).optional(),
  /** Only its presence matters here: whether the Runway models can run (the hosted worker holds the key). */
  RUNWAYML_API_SECRET: z.string().optional(),
  /** HMAC key of signed asset URLs; generated into DATA_DIR/auth when unset (one web instance, or a shared DATA_DIR). */
  MEDIA_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a signed asset URL lives; browsers re-sign a minute before it ends, so over 60 s. */
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().min(65, 'must be at least 65 (browsers re-sign a minute early)').max(86_400).default(SIGNED_URL_TTL_SECONDS),
  /** ffprobe for upload checks; the bundled @ffprobe-installer binary when unset. */
  FFPROBE_PATH: z.string().min(1).optional(),
  /** ffmpeg, which decodes an upload's first frame before it is kept; the bundled @ffmpeg-installer binary when unset. */
  FFMPEG_PATH: z.string().min(1).optional(),
  COLLAB_PUBLIC_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').default('ws://localhost:1234'),
  /**
   * How many proxies in front of web may be believed about the client (`X-Forwarded-For`, `-Proto`):
   * 0 (the default) believes none, `true` is 1. Set it only behind a proxy that sets those headers.
   */
  TRUST_PROXY: z
    .enum(['', 'false', 'true', '0', '1', '2', '3', '4'], { message: 'must be false, true, or the number of proxies in front (0-4)' })
    .default('')
    .transform((v) => (v === 'true' ? 1 : v === 'false' || v === '' ? 0 : Number(v))),
  /** Email notifications: an SMTP server (`smtp://[user:pass@]host:port` or `smtps://…`); unset, nobody is emailed. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/]+\/?$/, 'must be smtp://[user:pass@]host[:port] or smtps://…').optional(),
  SMTP_FROM: z.string().regex(/^[^\r\n]*<?[^\s<>@]+@[^\s<>@]+>?$/, 'must be an address, or Name <address>').default('Montage <notifications@montage.invalid>'),
  /** Where people open Montage, for links in emails (default: http://localhost:3000). */
  APP_PUBLIC_URL: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').default('http://localhost:3000'),
  /** The Content Credentials signer (PEM files, both or neither; neither: a test CA generated into DATA_DIR/c2pa). */
  ...ZProvenanceEnv.shape,
  ...ZLimitsEnv.shape,
  /** Webhook endpoints' address check (MONTAGE_WEBHOOKS_ALLOW_PRIVATE) and the deliveries' retry policy. */
  ...ZWebhookEnv.shape,
}))

export type TWebEnv = Omit<z.infer<typeof ZWebEnv>, 'DATA_DIR'> & { DATA_DIR: string; limits: TLimits }

let cached: TWebEnv | undefined

/** Parsed on first use at request time, so `next build` never depends on runtime values. */
export function webEnv(): TWebEnv {
  if (cached) return cached
  const parsed = parseEnv(ZWebEnv)
  cached = { ...parsed, DATA_DIR: path.resolve(/*turbopackIgnore: true*/ parsed.DATA_DIR ?? path.join(repoRoot(), '.data')), limits: limitsFromEnv(parsed) }
  return cached
}

/** Which models this deployment can run; derived from the env, never exposing the secret itself. */
export function modelAvailabilityOptions(): { runwayConfigured: boolean } {
  return { runwayConfigured: !!webEnv().RUNWAYML_API_SECRET?.trim() }
}
