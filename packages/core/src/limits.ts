import { z } from 'zod'

/*
 * Rate limits and quotas (issue 12). Each has an env variable with a default; the web app parses
 * them at start (ZLimitsEnv) and the README's "Limits and quotas" table lists the same names.
 */

/** At most `max` requests in each fixed window of `windowSeconds`, counted per key. */
export interface TRateLimit {
  max: number
  windowSeconds: number
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

/** `30/15m` → at most 30 per 15 minutes (units s, m, h, d). */
export const ZRateLimit = z
  .string()
  .trim()
  .regex(/^\d+\s*\/\s*\d+\s*[smhd]$/, 'must be a count and a window, like 30/15m (units s, m, h, d)')
  .transform((v, ctx): TRateLimit => {
    const [, max, n, unit] = /^(\d+)\s*\/\s*(\d+)\s*([smhd])$/.exec(v)!
    const windowSeconds = Number(n) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS]
    if (Number(max) < 1 || windowSeconds < 1 || windowSeconds > 7 * 86_400) {
      ctx.addIssue({ code: 'custom', message: 'needs a count of at least 1 and a window between 1 s and 7 d' })
      return z.NEVER
    }
    return { max: Number(max), windowSeconds }
  })

const BYTE_UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 } as const

/** `10GB`, `500MB` or a plain number of bytes (units are powers of 1024). */
export const ZByteSize = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB)?$/i, 'must be a size like 10GB, 500MB or a number of bytes')
  .transform((v) => {
    const [, n, unit] = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(v)!
    return Math.round(Number(n) * BYTE_UNITS[(unit?.toUpperCase() ?? 'B') as keyof typeof BYTE_UNITS])
  })
  .refine((n) => n >= 1, 'must be at least 1 byte')

const count = z.coerce.number().int().min(1)

/**
 * Every rate limit: its env variable, its default, and what it counts (how a refusal names it).
 * Keys are bucketed in PostgreSQL (`rate_limit_windows`), so the limits hold across web instances.
 */
export const RATE_LIMITS = {
  signInPerAddress: { env: 'RATE_LIMIT_SIGN_IN_PER_ADDRESS', default: '30/15m', what: 'sign-in attempts from this address' },
  signInPerAccount: { env: 'RATE_LIMIT_SIGN_IN_PER_ACCOUNT', default: '10/15m', what: 'sign-in attempts for this account' },
  reviewSignInPerAddress: { env: 'RATE_LIMIT_REVIEW_SIGN_IN_PER_ADDRESS', default: '30/15m', what: 'review-link sign-ins from this address' },
  passphrasePerLink: { env: 'RATE_LIMIT_PASSPHRASE_PER_LINK', default: '50/15m', what: 'passphrase attempts on this review link' },
  uploadsPerPerson: { env: 'RATE_LIMIT_UPLOADS_PER_PERSON', default: '120/10m', what: 'uploads by you' },
  uploadsPerWorkspace: { env: 'RATE_LIMIT_UPLOADS_PER_WORKSPACE', default: '600/10m', what: 'uploads to this workspace' },
  generationsPerPerson: { env: 'RATE_LIMIT_GENERATIONS_PER_PERSON', default: '30/1m', what: 'generations started by you' },
  generationsPerWorkspace: { env: 'RATE_LIMIT_GENERATIONS_PER_WORKSPACE', default: '120/1m', what: 'generations started in this workspace' },
  guestCommentsPerGuest: { env: 'RATE_LIMIT_GUEST_COMMENTS_PER_GUEST', default: '20/1m', what: 'comments by you' },
  guestCommentsPerLink: { env: 'RATE_LIMIT_GUEST_COMMENTS_PER_LINK', default: '60/1m', what: 'guest comments on this review link' },
  checkpointsPerPerson: { env: 'RATE_LIMIT_CHECKPOINTS_PER_PERSON', default: '30/10m', what: 'checkpoints saved or restored by you' },
  requestsPerApiKey: { env: 'RATE_LIMIT_REQUESTS_PER_API_KEY', default: '600/1m', what: 'requests with this API key' },
} as const satisfies Record<string, { env: string; default: string; what: string }>
export type TRateLimitName = keyof typeof RATE_LIMITS

/** Every quota: its env variable, its default (a count, or bytes for storage) and what it bounds. */
export const QUOTAS = {
  workspaceStorageBytes: { env: 'QUOTA_WORKSPACE_STORAGE', default: '10GB', what: 'stored bytes per workspace' },
  boardsPerWorkspace: { env: 'QUOTA_BOARDS_PER_WORKSPACE', default: '500', what: 'boards per workspace' },
  checkpointsPerBoard: { env: 'QUOTA_CHECKPOINTS_PER_BOARD', default: '200', what: 'checkpoints per board' },
  guestCommentsPerLink: { env: 'QUOTA_GUEST_COMMENTS_PER_LINK', default: '1000', what: 'guest comments per review link' },
} as const satisfies Record<string, { env: string; default: string; what: string }>
export type TQuotaName = keyof typeof QUOTAS

// `prefault`: the default is a string that goes through the same parse as a value from the env.
const rate = (name: TRateLimitName) => ZRateLimit.prefault(RATE_LIMITS[name].default)

/** The limits' part of an env schema (spread into a process's own `z.object`). */
export const ZLimitsEnv = z.object({
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: rate('signInPerAddress'),
  RATE_LIMIT_SIGN_IN_PER_ACCOUNT: rate('signInPerAccount'),
  RATE_LIMIT_REVIEW_SIGN_IN_PER_ADDRESS: rate('reviewSignInPerAddress'),
  RATE_LIMIT_PASSPHRASE_PER_LINK: rate('passphrasePerLink'),
  RATE_LIMIT_UPLOADS_PER_PERSON: rate('uploadsPerPerson'),
  RATE_LIMIT_UPLOADS_PER_WORKSPACE: rate('uploadsPerWorkspace'),
  RATE_LIMIT_GENERATIONS_PER_PERSON: rate('generationsPerPerson'),
  RATE_LIMIT_GENERATIONS_PER_WORKSPACE: rate('generationsPerWorkspace'),
  RATE_LIMIT_GUEST_COMMENTS_PER_GUEST: rate('guestCommentsPerGuest'),
  RATE_LIMIT_GUEST_COMMENTS_PER_LINK: rate('guestCommentsPerLink'),
  RATE_LIMIT_CHECKPOINTS_PER_PERSON: rate('checkpointsPerPerson'),
  RATE_LIMIT_REQUESTS_PER_API_KEY: rate('requestsPerApiKey'),
  QUOTA_WORKSPACE_STORAGE: ZByteSize.prefault(QUOTAS.workspaceStorageBytes.default),
  QUOTA_BOARDS_PER_WORKSPACE: count.default(Number(QUOTAS.boardsPerWorkspace.default)),
  QUOTA_CHECKPOINTS_PER_BOARD: count.default(Number(QUOTAS.checkpointsPerBoard.default)),
  QUOTA_GUEST_COMMENTS_PER_LINK: count.default(Number(QUOTAS.guestCommentsPerLink.default)),
})
export type TLimitsEnv = z.infer<typeof ZLimitsEnv>

export interface TLimits {
  rates: Record<TRateLimitName, TRateLimit>
  quotas: Record<TQuotaName, number>
}

/** The parsed env as a table by name, which is how routes ask for a limit. */
export function limitsFromEnv(env: TLimitsEnv): TLimits {
  const rates = Object.fromEntries(
    (Object.keys(RATE_LIMITS) as TRateLimitName[]).map((name) => [name, env[RATE_LIMITS[name].env]]),
  ) as Record<TRateLimitName, TRateLimit>
  return {
    rates,
    quotas: {
      workspaceStorageBytes: env.QUOTA_WORKSPACE_STORAGE,
      boardsPerWorkspace: env.QUOTA_BOARDS_PER_WORKSPACE,
      checkpointsPerBoard: env.QUOTA_CHECKPOINTS_PER_BOARD,
      guestCommentsPerLink: env.QUOTA_GUEST_COMMENTS_PER_LINK,
    },
  }
}

/** `15 minutes`, `1 hour`, `45 seconds`: a window or a wait as a person reads it. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(1, Math.round(seconds))
  const [n, unit] = s % 86_400 === 0 ? [s / 86_400, 'day'] : s % 3600 === 0 ? [s / 3600, 'hour'] : s >= 120 ? [Math.ceil(s / 60), 'minute'] : [s, 'second']
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}

/** `9.8 GB`, `312 MB`, `4 KB`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['TB', BYTE_UNITS.TB], ['GB', BYTE_UNITS.GB], ['MB', BYTE_UNITS.MB], ['KB', BYTE_UNITS.KB]] as const) {
    if (bytes >= size) return `${Math.round((bytes / size) * 10) / 10} ${unit}`
  }
  return `${bytes} bytes`
}
