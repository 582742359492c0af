import type { Logger } from '@montage/runtime/log'

export type TLogFields = Record<string, unknown>

/** The little the server needs from a logger; pino (through `fromPino`) or a test spy both fit. */
export interface TLogger {
  info(message: string, fields?: TLogFields): void
  warn(message: string, fields?: TLogFields): void
  error(message: string, fields?: TLogFields): void
}

/** The process's pino logger (`@montage/runtime/log`) behind the server's message-first calls. */
export function fromPino(log: Logger): TLogger {
  return {
    info: (m, f) => log.info(f ?? {}, m),
    warn: (m, f) => log.warn(f ?? {}, m),
    error: (m, f) => log.error(f ?? {}, m),
  }
}

export function errorFields(e: unknown): TLogFields {
  return e instanceof Error ? { error: e.message, errorName: e.name } : { error: String(e) }
}
