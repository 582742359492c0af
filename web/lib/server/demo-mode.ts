import { AppError, AppErrorCode } from '@montage/core'
import { webEnv } from './env'
import { demoListenRefusal, listeningAddresses, loopbackRequestRefusal } from './loopback'

/**
 * Demo mode's rule, checked on every demo sign-in: the server listens on loopback only and the
 * request came from this machine. (The process also refuses to start otherwise: instrumentation.ts.)
 */
export function demoRefusal(headers: Headers): string | null {
  const listen = demoListenRefusal(listeningAddresses())
  if (listen) return listen
  const request = loopbackRequestRefusal(headers)
  if (request) return `Demo sign-in is open only to this machine, and this request did not come from it: ${request}.`
  return null
}

/** Demo sign-in exists only in demo mode (404 otherwise), and only on loopback (403). */
export function requireDemoSignIn(headers: Headers): void {
  const env = webEnv()
  if (env.AUTH_MODE !== 'local' || !env.MONTAGE_DEMO) {
    throw new AppError(AppErrorCode.NOT_FOUND, 'Demo sign-in exists only in demo mode (MONTAGE_DEMO=1, on this machine). Sign in with your email and password.')
  }
  const refusal = demoRefusal(headers)
  if (refusal) throw new AppError(AppErrorCode.FORBIDDEN, refusal)
}
