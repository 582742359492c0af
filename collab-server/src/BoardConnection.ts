import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { RawData, WebSocket } from 'ws'
import type { Duplex } from 'node:stream'
import { AppErrorCode, wsCloseCodeFor } from '@montage/core'
import { DROP, type BoardWriteGuard } from '@montage/board'
import type { TReadUpdate } from './read-update'
import { decodeClientMessage, MalformedMessageError, MESSAGE_AWARENESS, MESSAGE_SYNC } from './decode-client-message'
import { applyPresence, encodePresence } from './presence-states'
import type { WireFrame } from './wire-frame'
import { closeSocket } from './close-socket'
import { errorFields, type TLogger } from './logger'
import { sanitizePresence } from './sanitize-presence'
import { RATE_LIMIT_CLOSE_CODE, type TRateLimit } from './TokenBucket'
import type { InboundBudget } from './InboundBudget'
import { HeldUpdates } from './HeldUpdates'
import type { SyncAnswers, TSyncAnswerLimits } from './SyncAnswers'
import { PresenceBudget, type TPresenceLimits } from './PresenceBudget'
import type { TCollabMetricsSink, TCollabStats } from './collab-stats'

export interface TConnectionLimits {
  /** Frames per second a person may send to a board (all their connections to it) on average, and in one burst. */
  rate: TRateLimit
  /** The same in bytes. */
  inboundBytes: TRateLimit
  /** Updates held back while they wait for what they depend on; more closes the connection (4400). */
  maxHeldUpdates: number
  /** The same in bytes: the held updates together; more closes the connection (4400). */
  maxHeldBytes: number
  /**
   * Bytes a connection may have waiting to be sent beyond one whole copy of the board; a client
   * that does not read is closed (1013) rather than buffered for without end.
   */
  maxQueuedBytes: number
  /** Presence: the size of one client's state and the rate a connection may publish its own. */
  presence: TPresenceLimits
  /** Sync step 1 answers: per person, and encodings of the board's state per board. */
  syncAnswers: TSyncAnswerLimits
}

export interface TConnectionInfo {
  userId: string
  /** The name the person's cursor shows to others: from their account, never from what the client says. */
  userName: string
  /** Called when the room closes this connection for misbehaving (the server then makes it wait to reconnect). */
  onMisbehaved?: (kind: 'refused-change' | 'abuse') => void
  /** False for reviewers: their document updates are dropped (but for comment drafts), they still receive everything. */
  canWrite: boolean
  /** May write comment drafts without `canWrite` (reviewers comment): their updates that write drafts only count. */
  canComment?: boolean
  /** The socket under the WebSocket, corked while several frames are handed to it so they leave in one write. */
  socket?: Duplex
}

/** What a connection shares with the other connections of its board: the room's side of it. */
export interface TConnectionRoom {
  readonly boardId: string
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Decides, before it is applied, whether a client update may count. */
  readonly guard: BoardWriteGuard
  readonly syncAnswers: SyncAnswers<BoardConnection>
  /** Which local connection announced each awareness client id. */
  readonly presenceOwners: Map<number, BoardConnection>
  readonly limits: TConnectionLimits
  readonly stats: TCollabStats
  readonly metrics?: TCollabMetricsSink
  readonly logger: TLogger
  isDestroyed(): boolean
  /** Whether the document is built from what was stored; `warm` builds it now. */
  isWarm(): boolean
  warm(): void
  /** Answers a sync step 1 while the document is not built yet; false when the caller must answer it (the document is then built). */
  answerCold(conn: BoardConnection, stateVector: Uint8Array): boolean
  /** Applies an update of the connection (checked, its dependencies present), `origin` being the connection. */
  applyClientUpdate(update: Uint8Array, decoded: TReadUpdate, origin: unknown): void
}

/** A slow reader's close frame waits behind what it did not read; after this the socket is cut. */
const SLOW_READER_GRACE_MS = 2_000

/**
 * One client's socket on one board: reads its frames (the y-websocket protocol), applies what it
 * may write (updates its role allows and the board's guard accepts, presence of its own client
 * ids), and sends it what the board says, within the connection's budgets. A connection that
 * breaks a rule is closed, and nothing it sends afterwards counts.
 */
export class BoardConnection implements TConnectionInfo {
  readonly ws: WebSocket
  readonly userId: string
  readonly userName: string
  readonly canWrite: boolean
  readonly canComment: boolean
  readonly onMisbehaved?: (kind: 'refused-change' | 'abuse') => void
  /** Awareness client ids this connection announced, removed for everyone when it leaves. */
  readonly clientIds = new Set<number>()
  /** Set once we decided to close it: later frames from it are not applied. */
  refused = false
  /** Shared by the person's connections to this board. */
  private readonly bucket: InboundBudget
  /** Updates waiting for changes we do not have yet (the client's sync step 2 brings them). */
  private readonly held = new HeldUpdates()
  private readonly presence: PresenceBudget
  private presenceDropLogged = false
  private readonly room: TConnectionRoom
  readonly socket: Duplex | undefined

  constructor(ws: WebSocket, info: TConnectionInfo, bucket: InboundBudget, room: TConnectionRoom) {
    this.ws = ws
    this.userId = info.userId
    this.userName = info.userName
    this.canWrite = info.canWrite
    this.canComment = info.canComment ?? false
    this.onMisbehaved = info.onMisbehaved
    this.socket = info.socket
    this.bucket = bucket
    this.room = room
    this.presence = new PresenceBudget(room.limits.presence)
    ws.on('message', (data, isBinary) => this.handleMessage(data, isBinary))
    ws.on('error', (e) => room.logger.warn('socket error', { boardId: room.boardId, userId: this.userId, ...errorFields(e) }))
  }

  /** Starts the sync: our state vector, so the client sends what we lack, and everyone's presence. */
  start(): void {
    this.sendSyncStep1()
    const states = [...this.room.awareness.getStates().keys()]
    if (states.length > 0) this.send(encodeAwarenessMessage(this.room.awareness, states))
  }

  get hasHeldUpdates(): boolean {
    return this.held.length > 0
  }

  /** Records presence this connection announced (or removed), so it is removed for everyone when it leaves. */
  ownPresence(announced: number[], removed: number[]): void {
    for (const id of announced) {
      this.clientIds.add(id)
      this.room.presenceOwners.set(id, this)
    }
    for (const id of removed) {
      this.clientIds.delete(id)
      this.room.presenceOwners.delete(id)
    }
  }

  /** Lets go of the presence ids this connection still owns; returns them, to be removed from the awareness. */
  disownPresence(): number[] {
    for (const id of this.clientIds) if (this.room.presenceOwners.get(id) === this) this.room.presenceOwners.delete(id)
    return [...this.clientIds]
  }

  /**
   * Messages framed once for all their receivers (`WireFrame`), written to the socket as they are,
   * in one write (each still its own WebSocket message). Written beside `ws`'s own sends, they keep
   * their order: the server never compresses nor sends blobs, so `ws` hands every message to the
   * socket at once too.
   */
  sendFrames(frames: readonly WireFrame[]): void {
    if (frames.length === 0) return
    const { ws, socket } = this
    if (ws.readyState !== ws.OPEN) return
    // The queue is judged once, as it was before the batch: the batch's own frames wait in the
    // corked socket for a moment, not because the client is slow.
    let bytes = 0
    for (const frame of frames) bytes += frame.payload.byteLength
    if (this.isOverQueue(bytes)) return
    // A negotiated extension (the server offers none) would change how ws frames; it frames then.
    if (!socket || ws.extensions !== '') {
      for (const frame of frames) ws.send(frame.payload)
      return
    }
    if (frames.length === 1) {
      socket.write(frames[0]!.bytes)
      return
    }
    socket.cork()
    try {
      for (const frame of frames) socket.write(frame.bytes)
    } finally {
      socket.uncork()
    }
  }

  /** `onSent`: called once the message is handed to the socket (or dropped). */
  send(message: Uint8Array, onSent?: () => void): void {
    const { ws } = this
    if (ws.readyState !== ws.OPEN || this.isOverQueue(message.byteLength)) return onSent?.()
    // Without a callback when none is wanted: a callback costs every send a closure and a tick
    // (a board's broadcast is one send per client). A failed write needs no handling here: ws
    // destroys the socket, and its close removes the connection.
    if (!onSent) return ws.send(message)
    ws.send(message, (e) => {
      if (e) this.room.logger.warn('send failed', { boardId: this.room.boardId, userId: this.userId, ...errorFields(e) })
      onSent()
    })
  }

  /**
   * Applies the connection's updates, holding back any that depend on changes we do not have (sent
   * right after a reconnect before the client answered our sync step 1, or corrupt) until those
   * arrive; order does not matter to Yjs. While some wait, we ask the client for what we lack.
   */
  drainHeld(): void {
    const { doc, guard, limits, stats } = this.room
    while (!this.refused) {
      let ready
      try {
        // Each held update is read once; after that, whether it is ready is a few state lookups.
        ready = this.held.takeReady(doc)
      } catch (e) {
        return this.refuse(`Update could not be read: ${e instanceof Error ? e.message : String(e)}`)
      }
      if (!ready) break
      const { update, decoded } = ready
      // Checked whole before any of it is applied: a refused update is never applied, stored,
      // broadcast or relayed, and the board stays loadable for everyone. Someone who may comment but
      // not edit: what writes anything but comment drafts is dropped.
      const problem = guard.check(update, { draftsOnly: !this.canWrite, decoded })
      if (problem === DROP) continue
      if (problem) return this.refuse(`Change refused: ${problem}`, 'refused-change')
      try {
        this.room.applyClientUpdate(update, decoded, this)
      } catch (e) {
        return this.refuse(`Update could not be applied: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
    if (this.held.length === 0 || this.refused) return
    if (this.held.length > limits.maxHeldUpdates) return this.refuse('Updates depend on changes this server never received.')
    if (this.held.bytes > limits.maxHeldBytes) {
      stats.heldBytesClosed++
      return this.refuse(`Updates waiting for changes this server never received passed ${limits.maxHeldBytes} bytes.`)
    }
    this.sendSyncStep1()
  }

  private handleMessage(data: RawData, isBinary: boolean): void {
    const received = performance.now()
    const { awareness, boardId, logger } = this.room
    if (this.refused || this.room.isDestroyed()) return
    const over = this.bucket.admit(rawByteLength(data))
    if (over) {
      this.refused = true
      logger.warn('closing connection over its rate limit', { boardId, userId: this.userId, reason: over })
      closeSocket(this.ws, RATE_LIMIT_CLOSE_CODE, over)
      this.onMisbehaved?.('abuse')
      return
    }
    if (!isBinary) return this.refuse('Text frames are not part of the sync protocol.')
    let message
    try {
      message = decodeClientMessage(toUint8Array(data), { maxAwarenessStateBytes: this.room.limits.presence.maxEntryBytes })
    } catch (e) {
      const reason = e instanceof MalformedMessageError ? e.message : String(e)
      return this.refuse(`Malformed message: ${reason}`)
    }
    if (!this.room.isWarm()) {
      // The board was just read from storage: a client that has nothing gets the stored bytes as
      // they are. Presence needs no document; anything else builds it now.
      if (message.type === 'sync-step1' && this.room.answerCold(this, message.stateVector)) return
      if (message.type !== 'awareness' && message.type !== 'query-awareness') this.room.warm()
    }
    switch (message.type) {
      case 'sync-step1':
        // Shared per document version and paced: a flood of step 1s costs a bounded number of encodes.
        this.room.syncAnswers.request(this, message.stateVector)
        return
      case 'sync-step2':
      case 'sync-update':
        // A read-only role: the update is dropped, the connection stays (a commenter's drafts are read below).
        if (!this.canWrite && !this.canComment) return
        this.held.push(message.update, message.decoded)
        this.drainHeld()
        // Applied (the room sends it to the board's other clients at the end of this turn); an
        // update still held for a missing dependency is not timed.
        if (!this.refused && this.held.length === 0) this.room.metrics?.updateApplied((performance.now() - received) / 1000)
        return
      case 'awareness': {
        // Size and rate before anything else reads the presence: an oversize one is dropped, never echoed.
        const dropped = this.presence.admit(message.entries, (id) => this.clientIds.has(id) || !awareness.getStates().has(id))
        if (dropped) return this.dropPresence(dropped)
        // y-websocket clients echo every presence change they see, including removals of others
        // they timed out; only their own entries (and new ids) count, the rest is dropped. What
        // an entry says is rewritten to presence only, under the name of the connection's account.
        const own = message.entries
          .filter((e) => this.mayUpdatePresence(e.clientId))
          .map((e) => sanitizePresence(e, { userId: this.userId, userName: this.userName }))
        if (own.length === 0) return
        applyPresence(awareness, own, this)
        return
      }
      case 'query-awareness':
        this.send(encodeAwarenessMessage(awareness, [...awareness.getStates().keys()]))
        return
      case 'unknown':
        logger.warn('ignored message of unknown type', { boardId, messageType: message.messageType })
        return
    }
  }

  /** A connection speaks for the ids it announced, and for new ones; the same person may take one over (a reconnect while the old socket is half-open). */
  private mayUpdatePresence(clientId: number): boolean {
    const { awareness, presenceOwners } = this.room
    // The server's own entry carries job progress; no client may write it, even while it is empty.
    if (clientId === awareness.clientID) return false
    const owner = presenceOwners.get(clientId)
    if (owner === this) return true
    if (owner) {
      if (owner.userId !== this.userId) return false
      owner.clientIds.delete(clientId)
      return true
    }
    return !awareness.getStates().has(clientId)
  }

  private sendSyncStep1(): void {
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(step1, this.room.doc)
    this.send(encoding.toUint8Array(step1))
  }

  /**
   * A client that does not read is not buffered for without end (one whole board may always be on
   * its way): true, and the connection dropped, when `bytes` more would pass the limit.
   */
  private isOverQueue(bytes: number): boolean {
    const queued = this.ws.bufferedAmount
    if (queued === 0 || queued + bytes <= this.room.limits.maxQueuedBytes + this.room.syncAnswers.largestAnswerBytes) return false
    this.dropSlowReader(queued)
    return true
  }

  private dropSlowReader(queued: number): void {
    this.refused = true
    this.room.stats.slowReadersClosed++
    this.room.logger.warn('closing a connection that does not read what is sent to it', { boardId: this.room.boardId, userId: this.userId, queuedBytes: queued })
    closeSocket(this.ws, RATE_LIMIT_CLOSE_CODE, 'Too far behind: messages for you are piling up. Reconnect to resync.')
    this.onMisbehaved?.('abuse')
    setTimeout(() => this.ws.terminate(), SLOW_READER_GRACE_MS).unref()
  }

  /** The frame is not applied; the first drop per connection is logged (a flood would fill the log). */
  private dropPresence(reason: string): void {
    this.room.stats.presenceDropped++
    if (this.presenceDropLogged) return
    this.presenceDropLogged = true
    this.room.logger.warn('presence dropped', { boardId: this.room.boardId, userId: this.userId, reason })
  }

  private refuse(reason: string, kind: 'refused-change' | 'abuse' = 'abuse'): void {
    this.refused = true
    this.room.logger.warn('closing connection', { boardId: this.room.boardId, userId: this.userId, reason })
    closeSocket(this.ws, wsCloseCodeFor(AppErrorCode.BAD_REQUEST), reason)
    this.onMisbehaved?.(kind)
  }
}

/** An awareness frame carrying the given clients' current states (removed ones as removals). */
export function encodeAwarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(encoder, encodePresence(awareness, clients))
  return encoding.toUint8Array(encoder)
}

function rawByteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0)
  return data.byteLength
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
