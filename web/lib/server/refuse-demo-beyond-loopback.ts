import { exitOnEnvError } from '@montage/core'
import { webEnv } from './env'
import { demoListenRefusal, listeningAddresses } from './loopback'
import { logger } from './logger'

const EX_CONFIG = 78

/**
 * At start-up: a bad environment ends the process naming the variable, and demo mode ends it
 * unless every address it listens on is loopback (its passwordless sign-in must never face a
 * network). Waits for the HTTP server to be listening when it is not yet.
 */
export function refuseDemoBeyondLoopback(): void {
  const env = exitOnEnvError(() => webEnv())
  if (!env.MONTAGE_DEMO) return
  const deadline = Date.now() + 60_000
  const check = () => {
    const addresses = listeningAddresses()
    if (addresses !== null && addresses.length === 0 && Date.now() < deadline) {
      setTimeout(check, 50).unref()
      return
    }
    const refusal = demoListenRefusal(addresses)
    if (refusal) {
      logger().fatal(`refusing to start: ${refusal}`)
      process.exit(EX_CONFIG)
    }
  }
  check()
}
