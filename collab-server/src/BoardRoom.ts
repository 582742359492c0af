import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { RawData, WebSocket } from 'ws'
import { AppError, AppErrorCode, wsCloseCodeFor } from '@montage/core'
import { appendBoardUpdate, loadBoardUpdates, type Sql } from '@montage/db'
import { applyBoardCommand, type TBoardCommand } from '@montage/board'
import { decodeClientMessage, MalformedMessageError, MESSAGE_AWARENESS, MESSAGE_SYNC } from './decode-client-message'
import { closeSocket } from './close-socket'
import { errorFields, type TLogger } from './logger'

export interface TPersistenceOptions {
  /** Quiet time after the last update before a store (hocuspocus: 2 s). */
  debounceMs: number
  /** Upper bound from the first pending update to its store, however busy the board (10 s). */
  maxDebounceMs: number
}

export interface BoardRoomOptions {
  boardId: string
  db: Sql
  logger: TLogger
  persistence: TPersistenceOptions
  /** Called whenever the room may have become unloadable: no holders and (maybe) nothing pending. */
  onIdle: (room: BoardRoom) => void
}

export interface TConnectionInfo {
  userId: string
  /** False for reviewers: their document updates are dropped, they still receive everything. */
  canWrite: boolean
}

interface Connection extends TConnectionInfo {
  ws: WebSocket
  /** Awareness client ids this connection announced, removed for everyone when it leaves. */
  clientIds: Set<number>
  /** Set once we decided to close it: later frames from it are not applied. */
  refused: boolean
}

/** Marks the transaction that replays stored updates, which must not be stored again. */
const LOAD_ORIGIN = Symbol('load')

/**
 * One board's live document, its awareness and its connections, and the debounced persistence
 * of the updates it receives. The room is kept alive by holds (a connection, a board command
 * being applied); the registry unloads it once it is idle and everything is stored.
 */
export class BoardRoom {
  readonly boardId: string
  readonly doc = new Y.Doc({ gc: true })
  readonly awareness: awarenessProtocol.Awareness

  private readonly db: Sql
  private readonly logger: TLogger
  private readonly persistence: TPersistenceOptions
  private readonly onIdle: (room: BoardRoom) => void
  private readonly connections = new Set<Connection>()
  private holds = 0
  private destroyed = false

  private pending: Uint8Array[] = []
  private firstPendingAt: number | null = null
  private storeTimer: NodeJS.Timeout | null = null
  /** Promise chain that serialises stores: two appends of one board never overlap. */
  private storeChain: Promise<void> = Promise.resolve()
  private storing = false
  private failedStores = 0

  constructor(opts: BoardRoomOptions) {
    this.boardId = opts.boardId
    this.db = opts.db
    this.logger = opts.logger
    this.persistence = opts.persistence
    this.onIdle = opts.onIdle
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server is not a participant: without this it would show up as an empty peer.
    this.awareness.setLocalState(null)
    this.doc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  async load(): Promise<void> {
    const updates = await loadBoardUpdates(this.db, this.boardId)
    if (updates.length === 0) return
    Y.applyUpdate(this.doc, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), LOAD_ORIGIN)
  }

  get connectionCount(): number {
    return this.connections.size
  }

  retain(): void {
    this.holds++
  }

  release(): void {
    if (this.holds === 0) throw new Error(`BoardRoom ${this.boardId}: release without retain`)
    this.holds--
    if (this.holds === 0 && !this.destroyed) this.onIdle(this)
  }

  /** Nothing holds the room and every update is stored: unloading it loses nothing. */
  isUnloadable(): boolean {
    return this.holds === 0 && this.pending.length === 0 && !this.storing && this.failedStores === 0
  }

  /**
   * Takes over one hold the caller acquired (released when the socket closes), then starts the
   * sync: our state vector, so the client sends what we lack, and everyone's presence.
   */
  addConnection(ws: WebSocket, info: TConnectionInfo): void {
    const conn: Connection = { ...info, ws, clientIds: new Set(), refused: false }
    this.connections.add(conn)
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary))
    ws.on('error', (e) => this.logger.warn('socket error', { boardId: this.boardId, userId: conn.userId, ...errorFields(e) }))
    ws.on('close', () => this.removeConnection(conn))

    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(step1, this.doc)
    this.send(conn, encoding.toUint8Array(step1))
    const states = [...this.awareness.getStates().keys()]
    if (states.length > 0) this.send(conn, this.encodeAwareness(states))
  }

  /**
   * Applies a server-side command; the resulting update is broadcast and queued like any client
   * update. Resolves once it is durably stored, so the caller may acknowledge the command.
   */
  async applyCommand(command: TBoardCommand): Promise<void> {
    try {
      applyBoardCommand(this.doc, command)
    } catch (e) {
      // A command the board cannot take (wrong shape kind, invalid props) will never succeed.
      throw new AppError(AppErrorCode.BAD_REQUEST, `Board command ${command.id} refused: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
    }
    await this.flush()
  }

  /** Stores every pending update now (after any store in progress). Rejects when the store fails. */
  flush(): Promise<void> {
    this.clearStoreTimer()
    const run = this.storeChain.then(() => this.store())
    this.storeChain = run.catch(() => {})
    return run
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.clearStoreTimer()
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return
    this.enqueue(update)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeUpdate(encoder, update)
    const message = encoding.toUint8Array(encoder)
    for (const conn of this.connections) if (conn !== origin) this.send(conn, message)
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const conn = this.connections.has(origin as Connection) ? (origin as Connection) : null
    if (conn) {
      for (const id of added) conn.clientIds.add(id)
      for (const id of updated) conn.clientIds.add(id)
      for (const id of removed) conn.clientIds.delete(id)
    }
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    // Echoed to the sender too: y-websocket clients count any message as liveness and reconnect
    // after 30 s of silence, and their own awareness renewals are what a lone client receives.
    const message = this.encodeAwareness(changed)
    for (const c of this.connections) this.send(c, message)
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.refused || this.destroyed) return
    if (!isBinary) return this.refuse(conn, 'Text frames are not part of the sync protocol.')
    let message
    try {
      message = decodeClientMessage(toUint8Array(data))
    } catch (e) {
      const reason = e instanceof MalformedMessageError ? e.message : String(e)
      return this.refuse(conn, `Malformed message: ${reason}`)
    }
    switch (message.type) {
      case 'sync-step1': {
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, MESSAGE_SYNC)
        syncProtocol.writeSyncStep2(encoder, this.doc, message.stateVector)
        this.send(conn, encoding.toUint8Array(encoder))
        return
      }
      case 'sync-step2':
      case 'sync-update':
        if (!conn.canWrite) return // read-only role: the update is dropped, the connection stays.
        try {
          Y.applyUpdate(this.doc, message.update, conn)
        } catch (e) {
          this.refuse(conn, `Update could not be applied: ${e instanceof Error ? e.message : String(e)}`)
        }
        return
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, conn)
        return
      case 'query-awareness':
        this.send(conn, this.encodeAwareness([...this.awareness.getStates().keys()]))
        return
      case 'unknown':
        this.logger.warn('ignored message of unknown type', { boardId: this.boardId, messageType: message.messageType })
        return
    }
  }

  private refuse(conn: Connection, reason: string): void {
    conn.refused = true
    this.logger.warn('closing connection', { boardId: this.boardId, userId: conn.userId, reason })
    closeSocket(conn.ws, wsCloseCodeFor(AppErrorCode.BAD_REQUEST), reason)
  }

  private removeConnection(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    if (!this.destroyed && conn.clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.clientIds], null)
    }
    this.release()
  }

  private send(conn: Connection, message: Uint8Array): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return
    conn.ws.send(message, (e) => {
      if (e) this.logger.warn('send failed', { boardId: this.boardId, userId: conn.userId, ...errorFields(e) })
    })
  }

  private encodeAwareness(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(encoder)
  }

  private enqueue(update: Uint8Array): void {
    this.pending.push(update)
    const now = Date.now()
    this.firstPendingAt ??= now
    const untilMax = this.firstPendingAt + this.persistence.maxDebounceMs - now
    this.scheduleStore(Math.max(0, Math.min(this.persistence.debounceMs, untilMax)))
  }

  private scheduleStore(delayMs: number): void {
    this.clearStoreTimer()
    this.storeTimer = setTimeout(() => {
      this.storeTimer = null
      this.flush().then(
        () => {
          if (this.isUnloadable() && !this.destroyed) this.onIdle(this)
        },
        () => {}, // logged and rescheduled by store()
      )
    }, delayMs)
  }

  private clearStoreTimer(): void {
    if (this.storeTimer) clearTimeout(this.storeTimer)
    this.storeTimer = null
  }

  private async store(): Promise<void> {
    if (this.pending.length === 0) return
    const batch = this.pending
    const firstPendingAt = this.firstPendingAt
    this.pending = []
    this.firstPendingAt = null
    const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch)
    this.storing = true
    try {
      await appendBoardUpdate(this.db, { boardId: this.boardId, update })
      this.failedStores = 0
    } catch (e) {
      // Keep the merged update ahead of anything that arrived meanwhile, and try again later.
      this.pending.unshift(update)
      this.firstPendingAt = Math.min(firstPendingAt ?? Date.now(), this.firstPendingAt ?? Date.now())
      this.failedStores++
      const retryMs = Math.min(this.persistence.maxDebounceMs, this.persistence.debounceMs * 2 ** (this.failedStores - 1))
      this.logger.error('storing board update failed; will retry', { boardId: this.boardId, retryMs, failedStores: this.failedStores, ...errorFields(e) })
      if (!this.destroyed) this.scheduleStore(retryMs)
      throw e
    } finally {
      this.storing = false
    }
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
