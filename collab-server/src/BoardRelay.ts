import { randomUUID } from 'node:crypto'
import { headers, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core'
import type { TLogger } from './logger'
import { errorFields } from './logger'
import { ChunkAssembler } from './ChunkAssembler'

/** What crosses between collab-server instances holding the same board. */
export type TRelayKind = 'update' | 'awareness' | 'sync'

/** Core NATS (not JetStream): presence and live edits are fast-path only; Postgres is the record. */
export const relaySubjects = {
  board: (boardId: string, kind: TRelayKind) => `collab.board.${boardId}.${kind}`,
  boardAll: (boardId: string) => `collab.board.${boardId}.*`,
} as const

const ORIGIN_HEADER = 'Montage-Collab-Instance'
/** `<message id> <index> <count>` on each part of a message larger than NATS's max payload. */
const CHUNK_HEADER = 'Montage-Collab-Chunk'
const JOIN_GRACE_MS = 2_000
/** NATS's own default, for a connection that has not told us the server's yet. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024
/** Room left in each message for its headers (the server's limit counts them too). */
const HEADER_ROOM = 4096
/** A message still missing chunks after this long is dropped (the state-vector exchange repairs it). */
const REASSEMBLY_TIMEOUT_MS = 10_000

export interface TBoardRelayOptions {
  /** Bytes of chunked messages waiting for their other chunks, over every board of the instance (default 64 MiB). */
  maxPendingBytes?: number
}

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
 * One per server instance: per-board subscriptions on core NATS. Each message carries the
 * instance id and is skipped by its sender, should it come back (one connection may be shared by
 * several instances in tests; `main.ts` connects with `noEcho`, so NATS does not send them back).
 */
export class BoardRelay {
  readonly instanceId = randomUUID()
  private readonly hdrs: MsgHdrs
  private readonly chunks: ChunkAssembler

  constructor(
    private readonly nats: NatsConnection,
    private readonly logger: TLogger,
    opts: TBoardRelayOptions = {},
  ) {
    this.hdrs = headers()
    this.hdrs.set(ORIGIN_HEADER, this.instanceId)
    const maxPendingBytes = opts.maxPendingBytes ?? 64 * 1024 * 1024
    this.chunks = new ChunkAssembler({ maxPendingBytes, timeoutMs: REASSEMBLY_TIMEOUT_MS, maxChunks: Math.ceil(maxPendingBytes / 65_536) + 1 })
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
        const data = this.reassemble(origin ?? '', msg.headers?.get(CHUNK_HEADER), msg.data)
        if (!data) return
        try {
          if (kind === 'update') handlers.onUpdate(data)
          else if (kind === 'awareness') handlers.onAwareness(data)
          else if (kind === 'sync') handlers.onSyncRequest(data)
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
          this.send(relaySubjects.board(boardId, kind), payload)
        } catch (e) {
          // Lost relays are repaired by the periodic state-vector exchange.
          this.logger.warn('relay publish failed', { boardId, kind, ...errorFields(e) })
        }
      },
      leave: () => sub.unsubscribe(),
    }
  }

  /** One message when it fits the server's max payload, else numbered chunks that `reassemble` joins. */
  private send(subject: string, payload: Uint8Array): void {
    const chunkBytes = (this.nats.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - HEADER_ROOM
    if (payload.byteLength <= chunkBytes) {
      this.nats.publish(subject, payload, { headers: this.hdrs })
      return
    }
    const id = randomUUID()
    const count = Math.ceil(payload.byteLength / chunkBytes)
    for (let i = 0; i < count; i++) {
      const hdrs = headers()
      hdrs.set(ORIGIN_HEADER, this.instanceId)
      hdrs.set(CHUNK_HEADER, `${id} ${i} ${count}`)
      this.nats.publish(subject, payload.subarray(i * chunkBytes, (i + 1) * chunkBytes), { headers: hdrs })
    }
  }

  /** The whole payload: at once for an unchunked message, at its last chunk for a chunked one. */
  private reassemble(origin: string, chunk: string | undefined, data: Uint8Array): Uint8Array | null {
    if (!chunk) return data
    const [id, index, count] = chunk.split(' ')
    // A copy: the part outlives this callback, and the client may reuse its read buffer.
    return this.chunks.add(`${origin} ${id}`, Number(index), Number(count), data.slice())
  }
}
