import type { WebSocket } from 'ws'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { AppErrorCode, roleCan, subjects, wsCloseCodeFor, ZMembershipChangedMessage, type TRole } from '@montage/core'
import { listMemberRoles, type Sql } from '@montage/db'
import { closeSocket } from './close-socket'
import { errorFields, type TLogger } from './logger'

export interface MemberSocketsOptions {
  db: Sql
  nats: NatsConnection
  logger: TLogger
  /** How often open sockets' memberships are checked in PostgreSQL (catches a lost message). */
  sweepMs?: number
}

const REMOVED_REASON = 'You were removed from this workspace.'
/**
 * A change that overtakes an upgrade still in flight is applied to that socket when it is tracked.
 * Kept briefly: someone removed and invited back a minute later must be let in.
 */
const REMEMBER_CHANGE_MS = 30_000

interface TTracked {
  ws: WebSocket
  canWrite: boolean
}

/**
 * The open sockets of each member of each workspace, so that removing someone closes their
 * sockets on that workspace's boards at once (4403), and a role change that alters whether they
 * may edit closes them too (4409: the client reloads under the new role). Web publishes
 * `auth.membership.changed` on core NATS after the row changed; every instance listens, as for
 * revoked sessions (`SessionSockets`), and a periodic check against `memberships` closes what a
 * lost message left open.
 */
export class MemberSockets {
  private readonly byMember = new Map<string, Set<TTracked>>()
  private readonly recentChanges = new Map<string, { role: TRole | null; at: number }>()
  private readonly sub: Subscription
  private readonly sweeper: NodeJS.Timeout

  constructor(private readonly opts: MemberSocketsOptions) {
    const decoder = new TextDecoder()
    this.sub = opts.nats.subscribe(subjects.membershipChanged, {
      callback: (err, msg) => {
        if (err) return opts.logger.warn('membership subscription error', errorFields(err))
        let parsed
        try {
          parsed = ZMembershipChangedMessage.safeParse(JSON.parse(decoder.decode(msg.data)))
        } catch (e) {
          return opts.logger.warn('membership change dropped: not JSON', errorFields(e))
        }
        if (!parsed.success) return opts.logger.warn('membership change dropped: invalid', { reason: parsed.error.issues[0]?.message })
        this.changed(parsed.data.workspaceId, parsed.data.userId, parsed.data.role)
      },
    })
    this.sweeper = setInterval(() => void this.sweep(), opts.sweepMs ?? 60_000)
    this.sweeper.unref()
  }

  /** Remembers a member's socket on a board of the workspace, with what it was admitted to do. */
  track(grant: { workspaceId: string; userId: string; canWrite: boolean }, ws: WebSocket): void {
    const key = memberKey(grant.workspaceId, grant.userId)
    const entry = { ws, canWrite: grant.canWrite }
    const recent = this.recentChanges.get(key)
    if (recent && this.closeIfChanged(entry, recent.role)) return
    let set = this.byMember.get(key)
    if (!set) this.byMember.set(key, (set = new Set()))
    set.add(entry)
    ws.once('close', () => {
      set.delete(entry)
      if (set.size === 0 && this.byMember.get(key) === set) this.byMember.delete(key)
    })
  }

  /** Applies a member's new role (null: they left) to their sockets here. */
  changed(workspaceId: string, userId: string, role: TRole | null): void {
    const key = memberKey(workspaceId, userId)
    this.recentChanges.set(key, { role, at: Date.now() })
    const set = this.byMember.get(key)
    if (!set) return
    let closed = 0
    for (const entry of set) if (this.closeIfChanged(entry, role)) closed++
    if (closed > 0) this.opts.logger.info(role ? "closing a member's sockets: their role changed" : "closing a removed member's sockets", { workspaceId, userId, role, sockets: closed })
  }

  private closeIfChanged(entry: TTracked, role: TRole | null): boolean {
    if (!role) {
      closeSocket(entry.ws, wsCloseCodeFor(AppErrorCode.FORBIDDEN), REMOVED_REASON)
      return true
    }
    if (roleCan(role, 'board.edit') === entry.canWrite) return false
    closeSocket(entry.ws, wsCloseCodeFor(AppErrorCode.CONFLICT), `Your role changed to ${role}: reload the board to keep working.`)
    return true
  }

  async sweep(): Promise<void> {
    const now = Date.now()
    for (const [key, change] of this.recentChanges) if (now - change.at > REMEMBER_CHANGE_MS) this.recentChanges.delete(key)
    if (this.byMember.size === 0) return
    try {
      const pairs = [...this.byMember.keys()].map(parseMemberKey)
      const current = new Map((await listMemberRoles(this.opts.db, pairs)).map((m) => [memberKey(m.workspaceId, m.userId), m.role]))
      for (const { workspaceId, userId } of pairs) {
        const set = this.byMember.get(memberKey(workspaceId, userId))
        const role = current.get(memberKey(workspaceId, userId)) ?? null
        if (set) for (const entry of set) this.closeIfChanged(entry, role)
      }
    } catch (e) {
      this.opts.logger.warn('membership sweep failed', errorFields(e))
    }
  }

  stop(): void {
    clearInterval(this.sweeper)
    this.sub.unsubscribe()
  }
}

function memberKey(workspaceId: string, userId: string): string {
  return `${workspaceId}:${userId}`
}

function parseMemberKey(key: string): { workspaceId: string; userId: string } {
  const [workspaceId, userId] = key.split(':') as [string, string]
  return { workspaceId, userId }
}
