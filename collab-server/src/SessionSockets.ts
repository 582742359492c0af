import type { WebSocket } from 'ws'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { AppErrorCode, subjects, wsCloseCodeFor, ZSessionRevokedMessage } from '@montage/core'
import { listEndedSessions, type Sql } from '@montage/db'
import { closeSocket } from './close-socket'
import { errorFields, type TLogger } from './logger'

export interface SessionSocketsOptions {
  db: Sql
  nats: NatsConnection
  logger: TLogger
  /** How often open sockets' sessions are checked in PostgreSQL (catches a lost revoke message, and expiry). */
  sweepMs?: number
}

const REVOKED_REASON = 'Your session was signed out. Sign in again to keep working.'
/** A revoke that overtakes an upgrade still in flight closes that socket when it arrives. */
const REMEMBER_REVOKED_MS = 5 * 60_000

/**
 * The open sockets of each local session, so that signing out closes them at once (4401):
 * web publishes `auth.session.revoked` on core NATS, every instance listens (no queue group).
 * A periodic check against `auth_sessions` closes what a lost message or an expiry left open.
 */
export class SessionSockets {
  private readonly bySession = new Map<string, Set<WebSocket>>()
  private readonly recentlyRevoked = new Map<string, number>()
  private readonly sub: Subscription
  private readonly sweeper: NodeJS.Timeout

  constructor(private readonly opts: SessionSocketsOptions) {
    const decoder = new TextDecoder()
    this.sub = opts.nats.subscribe(subjects.sessionRevoked, {
      callback: (err, msg) => {
        if (err) return opts.logger.warn('session revoke subscription error', errorFields(err))
        let parsed
        try {
          parsed = ZSessionRevokedMessage.safeParse(JSON.parse(decoder.decode(msg.data)))
        } catch (e) {
          return opts.logger.warn('session revoke dropped: not JSON', errorFields(e))
        }
        if (!parsed.success) return opts.logger.warn('session revoke dropped: invalid', { reason: parsed.error.issues[0]?.message })
        this.revoke(parsed.data.sessionId)
      },
    })
    this.sweeper = setInterval(() => void this.sweep(), opts.sweepMs ?? 60_000)
    this.sweeper.unref()
  }

  /** Remembers a socket of a session (Clerk sessions, `null`, are Clerk's to end). */
  track(sessionId: string | null, ws: WebSocket): void {
    if (!sessionId) return
    if (this.recentlyRevoked.has(sessionId)) return closeSocket(ws, wsCloseCodeFor(AppErrorCode.UNAUTHORIZED), REVOKED_REASON)
    let set = this.bySession.get(sessionId)
    if (!set) this.bySession.set(sessionId, (set = new Set()))
    set.add(ws)
    ws.once('close', () => {
      set.delete(ws)
      if (set.size === 0 && this.bySession.get(sessionId) === set) this.bySession.delete(sessionId)
    })
  }

  /** Closes every socket of the session here with 4401. */
  revoke(sessionId: string): void {
    this.recentlyRevoked.set(sessionId, Date.now())
    const set = this.bySession.get(sessionId)
    if (!set) return
    this.opts.logger.info('closing the sockets of a revoked session', { sessionId, sockets: set.size })
    for (const ws of set) closeSocket(ws, wsCloseCodeFor(AppErrorCode.UNAUTHORIZED), REVOKED_REASON)
  }

  async sweep(): Promise<void> {
    const now = Date.now()
    for (const [id, at] of this.recentlyRevoked) if (now - at > REMEMBER_REVOKED_MS) this.recentlyRevoked.delete(id)
    if (this.bySession.size === 0) return
    try {
      for (const id of await listEndedSessions(this.opts.db, [...this.bySession.keys()])) this.revoke(id)
    } catch (e) {
      this.opts.logger.warn('session sweep failed', errorFields(e))
    }
  }

  stop(): void {
    clearInterval(this.sweeper)
    this.sub.unsubscribe()
  }
}
