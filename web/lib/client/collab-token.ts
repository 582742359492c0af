import type { WebsocketProvider } from 'y-websocket'

export interface KeepCollabTokenFreshOptions {
  /** The session token the page was rendered with. */
  token: string
  /**
   * Fetches a fresh session token (Clerk mode: `Clerk.session.getToken()`; Clerk's tokens live 60 s).
   * None when the token outlives the page (a local session's token lasts as long as the session).
   */
  fetchToken?: () => Promise<string>
  /** How long before its expiry a token is replaced (15 s by default). */
  marginMs?: number
}

/** Never refresh more often than this, whatever a token says (no tight loop on short-lived tokens). */
const MIN_REFRESH_DELAY_MS = 5_000

/** A JWT's `exp` in milliseconds, read without verifying it (the collab-server verifies); null when unreadable. */
export function tokenExpiresAtMs(token: string): number | null {
  try {
    const payload = token.split('.')[1]
    if (!payload) return null
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown }
    return typeof json.exp === 'number' ? json.exp * 1000 : null
  } catch {
    return null
  }
}

/**
 * Supplies the board socket's token (`provider.params.token`) and keeps it fresh: replaced a
 * margin before it expires, and checked before every connection, so a socket that reconnects
 * after its first token expired (a dropped network, a restarted server, a sleeping laptop) gets
 * in with a fresh one. The provider must be created with `connect: false`: this connects it once
 * the token is good. Returns the function that stops it.
 */
export function keepCollabTokenFresh(provider: WebsocketProvider, opts: KeepCollabTokenFreshOptions): () => void {
  provider.params = { ...provider.params, token: opts.token }
  const fetchToken = opts.fetchToken
  if (!fetchToken) {
    provider.connect()
    return () => {}
  }
  const margin = opts.marginMs ?? 15_000
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: Promise<void> | null = null

  const expiresSoon = () => {
    const exp = tokenExpiresAtMs(provider.params.token ?? '')
    return exp === null || exp - Date.now() < margin
  }
  const schedule = () => {
    clearTimeout(timer)
    if (stopped) return
    const exp = tokenExpiresAtMs(provider.params.token ?? '')
    const delay = exp === null ? MIN_REFRESH_DELAY_MS : Math.max(MIN_REFRESH_DELAY_MS, exp - margin - Date.now())
    timer = setTimeout(() => void refresh(), delay)
  }
  const refresh = (): Promise<void> =>
    (inflight ??= fetchToken()
      .then((token) => {
        if (!stopped && token) provider.params = { ...provider.params, token }
      })
      // Keep the old token: if it is refused, the socket reports it (4401) like any other refusal.
      .catch(() => {})
      .finally(() => {
        inflight = null
        schedule()
      }))
  const connectWithFreshToken = async () => {
    if (expiresSoon()) await refresh()
    if (!stopped) provider.connect()
  }
  // y-websocket reconnects on its own after a transient close; when the token would not last,
  // hold that reconnect (its own mechanism: `shouldConnect`) until a fresh token is in hand.
  const onClose = (event: CloseEvent | null) => {
    if (stopped || !provider.shouldConnect || !expiresSoon()) return
    if (event && event.code >= 4400 && event.code < 4500) return // refused for good; the provider stops
    provider.shouldConnect = false
    void connectWithFreshToken()
  }
  provider.on('connection-close', onClose)
  void connectWithFreshToken()
  schedule()
  return () => {
    stopped = true
    clearTimeout(timer)
    provider.off('connection-close', onClose)
  }
}
