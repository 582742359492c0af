import { createLogger, type Logger } from '@montage/runtime/log'
import { webEnv } from './env'

const key = Symbol.for('montage.web.logger')
// One per process: `server.ts` and Next's server bundle each load this module.
const holder = globalThis as unknown as { [key]?: Logger }

/**
 * The web process's logger (JSON lines, `LOG_LEVEL`). Lines logged while a request is served carry
 * its `requestId` (the `X-Request-Id` the server answers with).
 */
export function logger(): Logger {
  return (holder[key] ??= createLogger('web', { level: webEnv().LOG_LEVEL }))
}
