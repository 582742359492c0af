import { randomUUID } from 'node:crypto'
import { headers, type MsgHdrs, type NatsConnection, type Subscription } from 'nats'
import type { TLogger } from './logger'
import { errorFields } from './logger'

/** What crosses between collab-server instances holding the same board. */
export type TRelayKind = 'update' | 'awareness' | 'sync'

/** Core NATS (not JetStream): presence and live edits are fast-path only; Postgres is the record. */
export const relaySubjects = {
  board: (boardId: string, kind: TRelayKind) => `collab.board.${boardId}.${kind}`,
  boardAll: (boardId: string) => `collab.board.${boardId}.*`,
} as const

const ORIGIN_HEADER = 'Montage-Collab-Instance'
const JOIN_GRACE_MS = 2_000

export interface TRoomRelayHandlers {
  /** A peer's document update (or its answer to our `sync`). */
  onUpdate(update: Uint8Array): void
  /** A peer's awareness update. */
  onAwareness(update: Uint8Array): void
  /** A peer asks for what its state vector lacks; answer with `publish('update', diff)`. */
  onSyncRequest(stateVector: Uint8Array): void
}

export interface TRoomRelay {
  /** Whether another instance holding this board has been heard from recently. */
  hasPeers(): boolean
  publish(kind: TRelayKind, payload: Uint8Array): void
  /** Stops receiving; pending publishes are flushed by the connection. */
  leave(): void
}

/**
 * One per server instance: per-board subscriptions on core NATS. Our own messages come back to
 * us (one connection may be shared by several instances in tests), so each carries the
 * instance id and is skipped by its sender.
 */
export class BoardRelay {
  readonly instanceId = randomUUID()
  private readonly hdrs: MsgHdrs

  constructor(
    private readonly nats: NatsConnection,
    private readonly logger: TLogger,
  ) {
    this.hdrs = headers()
    this.hdrs.set(ORIGIN_HEADER, this.instanceId)
  }

  /** `peerTtlMs`: how long a peer counts as present after its last message (its heartbeat is the state-vector exchange). */
  join(boardId: string, handlers: TRoomRelayHandlers, peerTtlMs: number): TRoomRelay {
    const peers = new Map<string, number>()
    // Until peers had time to answer our first state vector, assume there are some.
    const graceUntil = Date.now() + JOIN_GRACE_MS
    const sub: Subscription = this.nats.subscribe(relaySubjects.boardAll(boardId), {
      callback: (err, msg) => {
        if (err) return this.logger.warn('relay subscription error', { boardId, ...errorFields(err) })
        const origin = msg.headers?.get(ORIGIN_HEADER)
        if (origin === this.instanceId) return
        if (origin) peers.set(origin, Date.now())
        const kind = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
        try {
          if (kind === 'update') handlers.onUpdate(msg.data)
          else if (kind === 'awareness') handlers.onAwareness(msg.data)
          else if (kind === 'sync') handlers.onSyncRequest(msg.data)
        } catch (e) {
          // A peer runs our code; a payload we cannot apply is a bug or a foreign publisher, never fatal.
          this.logger.warn('relay message dropped', { boardId, kind, ...errorFields(e) })
        }
      },
    })
    return {
      hasPeers: () => {
        const now = Date.now()
        for (const [id, seen] of peers) if (now - seen > peerTtlMs) peers.delete(id)
        return peers.size > 0 || now < graceUntil
      },
      publish: (kind, payload) => {
        if (this.nats.isClosed()) return
        try {
          this.nats.publish(relaySubjects.board(boardId, kind), payload, { headers: this.hdrs })
        } catch (e) {
          // Lost relays are repaired by the periodic state-vector exchange.
          this.logger.warn('relay publish failed', { boardId, kind, ...errorFields(e) })
        }
      },
      leave: () => sub.unsubscribe(),
    }
  }
}
