import { AsyncLocalStorage } from 'node:async_hooks'
import { pino, type DestinationStream, type Logger } from 'pino'
import { z } from 'zod'
import { parseEnv } from '@montage/core'

export type { Logger } from 'pino'

export const ZLogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
export type TLogLevel = z.infer<typeof ZLogLevel>

export type TLogFields = Record<string, unknown>

/**
 * Ids that belong to whatever the process is doing now (web: the request), added to every line
 * logged inside it. Kept on `globalThis` because Next loads this module again in its server bundle,
 * and a request entered in `web/server.ts` must be seen from the route handlers.
 */
const storageKey = Symbol.for('montage.log.context')
const holder = globalThis as unknown as { [storageKey]?: AsyncLocalStorage<TLogFields> }
const storage: AsyncLocalStorage<TLogFields> = (holder[storageKey] ??= new AsyncLocalStorage<TLogFields>())

/** Runs `fn` with `fields` (say `{ requestId }`) on every line logged within it, across awaits. */
export function withLogContext<T>(fields: TLogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn)
}

/** The fields of the innermost `withLogContext`, if any. */
export function logContext(): TLogFields | undefined {
  return storage.getStore()
}

export interface CreateLoggerOptions {
  /** Defaults to `LOG_LEVEL` (or `info`). */
  level?: TLogLevel
  /** Where lines go; stdout by default (tests pass a stream to read them back). */
  destination?: DestinationStream
}

/**
 * A process's logger: one JSON object per line on stdout (`time`, `level` as a word, `name`, `msg`,
 * then fields), at `LOG_LEVEL`. Add ids with `logger.child({ boardId })` or `withLogContext`; log an
 * error as `{ err }`, which keeps its message, type and stack.
 */
export function createLogger(name: string, options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? parseEnv(z.object({ LOG_LEVEL: ZLogLevel })).LOG_LEVEL
  return pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => storage.getStore() ?? {},
    },
    options.destination,
  )
}

/**
 * An error nothing caught still ends the process with exit 1, as Node would, but as one `fatal`
 * line of `log` (say, "The database is not migrated…" at start) rather than a bare stack on stderr.
 */
export function logUncaughtErrors(log: Logger): void {
  const fatal = (e: unknown) => {
    log.fatal({ err: e }, e instanceof Error ? e.message : String(e))
    process.exit(1)
  }
  process.on('uncaughtException', fatal)
  process.on('unhandledRejection', fatal)
}
