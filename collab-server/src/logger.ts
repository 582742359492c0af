export type TLogFields = Record<string, unknown>

/** The little the server needs from a logger; pino, console or a test spy all fit. */
export interface TLogger {
  info(message: string, fields?: TLogFields): void
  warn(message: string, fields?: TLogFields): void
  error(message: string, fields?: TLogFields): void
}

/** One JSON line per event, so log shippers need no parsing rules. */
export function createConsoleLogger(name = 'collab-server'): TLogger {
  const line = (level: string, message: string, fields?: TLogFields): string =>
    JSON.stringify({ time: new Date().toISOString(), level, name, message, ...fields })
  return {
    info: (m, f) => console.log(line('info', m, f)),
    warn: (m, f) => console.warn(line('warn', m, f)),
    error: (m, f) => console.error(line('error', m, f)),
  }
}

export function errorFields(e: unknown): TLogFields {
  return e instanceof Error ? { error: e.message, errorName: e.name } : { error: String(e) }
}
