import { z } from 'zod'

/**
 * Parses process environment at start-up. A bad or missing variable ends the process at once
 * with a message naming it, rather than failing later somewhere less obvious.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source)
  if (result.success) return result.data
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
  const message = `Invalid environment:\n${lines.join('\n')}`
  throw new EnvError(message)
}

export class EnvError extends Error {
  override name = 'EnvError'
}

/** Runs `fn`, and exits with the message when the environment is bad. */
export function exitOnEnvError<T>(fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message)
      process.exit(78) // EX_CONFIG
    }
    throw e
  }
}

/** @deprecated Processes take `ZDatabaseEnv`, `ZNatsEnv` and `ZTemporalEnv` of `@montage/runtime/config` (TLS, credentials, checks across variables). */
export const ZDatabaseUrl = z.string().url().default('postgres://postgres@127.0.0.1:5432/montage')
export const ZNatsUrl = z.string().default('nats://127.0.0.1:4222')
export const ZTemporalAddress = z.string().default('127.0.0.1:7233')
export const ZAuthMode = z.enum(['local', 'clerk']).default('local')

/** Task queues can carry a prefix so test runs never take work from a running dev stack. */
export const ZTaskQueuePrefix = z.string().regex(/^[a-z0-9-]*$/).default('')

export function taskQueueName(prefix: string, queue: 'control' | 'gpu' | 'hosted'): string {
  return prefix ? `${prefix}-${queue}` : queue
}

/** An on/off variable: `1` or `0` (unset is off), so a typo such as `yes` fails at start instead of meaning off. */
export const ZEnvFlag = z.enum(['0', '1'], { error: 'must be 1 (on) or 0 (off)' }).default('0').transform((v) => v === '1')

/**
 * `MONTAGE_DEMO=1`: the passwordless demo people and the sign-in-by-name flow. Only for one
 * machine: the web process refuses to start in demo mode unless it listens on loopback only.
 */
export const ZDemoMode = ZEnvFlag

/** How long a password sign-in lasts (hours). */
export const ZSessionTtlHours = z.coerce.number().int().min(1, 'must be at least 1').max(24 * 90, 'must be at most 2160 (90 days)').default(24 * 7)
