import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { RawData, WebSocket } from 'ws'
import { AppError, AppErrorCode, wsCloseCodeFor, type TJobProgressMessage } from '@montage/core'
import { appendBoardUpdate, compactBoardUpdates, loadBoardUpdates, type Sql } from '@montage/db'
import type { BoardUpdateWriter } from './BoardUpdateWriter'
import { applyBoardCommand, BoardWriteGuard, getRecords, type TBoardCommand, type TBoardWriteLimits } from '@montage/board'
import { decodeClientMessage, encodeAwarenessEntries, MalformedMessageError, MESSAGE_AWARENESS, MESSAGE_SYNC } from './decode-client-message'
import { closeSocket } from './close-socket'
import { errorFields, type TLogger } from './logger'
import type { BoardRelay, TRoomRelay } from './BoardRelay'
import { LiveJobs } from './LiveJobs'
import { sanitizePresence } from './sanitize-presence'
import { restorableRecords } from './restorable-records'
import { RATE_LIMIT_CLOSE_CODE, type TRateLimit } from './TokenBucket'
import { InboundBudget } from './InboundBudget'
import { HeldUpdates } from './HeldUpdates'
import { SyncAnswers, type TSyncAnswerLimits } from './SyncAnswers'
import { PresenceBudget, type TPresenceLimits } from './PresenceBudget'
import { createCollabStats, type TCollabStats } from './collab-stats'

export interface TPersistenceOptions {
  /** Quiet time after the last update before a store (hocuspocus: 2 s). */
  debounceMs: number
  /** Upper bound from the first pending update to its store, however busy the board (10 s). */
  maxDebounceMs: number
  /** Fold the board's log into its snapshot once it holds this many rows. */
  compactAfterRows: number
}

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

/** What one board may hold, checked on every client update (`BoardWriteGuard`). */
export type TBoardLimits = TBoardWriteLimits

export interface BoardRoomOptions {
  boardId: string
  db: Sql
  logger: TLogger
  persistence: TPersistenceOptions
  limits: TConnectionLimits
  boardLimits: TBoardLimits
  /** Relays updates and presence to other instances holding the board; absent in a lone server. */
  relay?: BoardRelay
  /** How often the room sends its state vector to peers, so a lost relay message is repaired. */
  antiEntropyMs?: number
  /** Shared group-commit writer; without one the room appends on its own. */
  writer?: BoardUpdateWriter
  /** Called whenever the room may have become unloadable: no holders and (maybe) nothing pending. */
  onIdle: (room: BoardRoom) => void
  /** A live job not heard from for this long leaves the board's progress entry (default 30 s). */
  jobIdleMs?: number
  /** Counters of the limits' work, shared by the instance's rooms. */
  stats?: TCollabStats
}

export interface TConnectionInfo {
  userId: string
  /** The name the person's cursor shows to others: from their account, never from what the client says. */
  userName: string
  /** Called when the room closes this connection for misbehaving (the server then makes it wait to reconnect). */
  onMisbehaved?: (kind: 'refused-change' | 'abuse') => void
  /** False for reviewers: their document updates are dropped, they still receive everything. */
  canWrite: boolean
}

interface Connection extends TConnectionInfo {
  ws: WebSocket
  /** Awareness client ids this connection announced, removed for everyone when it leaves. */
  clientIds: Set<number>
  /** Set once we decided to close it: later frames from it are not applied. */
  refused: boolean
  /** Shared by the person's connections to this board. */
  bucket: InboundBudget
  /** Updates waiting for changes we do not have yet (the client's sync step 2 brings them). */
  held: HeldUpdates
  presence: PresenceBudget
  presenceDropLogged?: boolean
}

/** Marks the transaction that replays stored updates, which must not be stored again. */
const LOAD_ORIGIN = Symbol('load')
/** Changes from another instance: stored and sent to our clients, never relayed back. */
const RELAY_ORIGIN = Symbol('relay')
/** Changes the server makes itself (commands, restores): stored, sent and relayed. */
const SERVER_ORIGIN = Symbol('server')
/** A slow reader's close frame waits behind what it did not read; after this the socket is cut. */
const SLOW_READER_GRACE_MS = 2_000

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
  private readonly limits: TConnectionLimits
  private readonly connections = new Set<Connection>()
  /** Which local connection announced each awareness client id. */
  private readonly presenceOwners = new Map<number, Connection>()
  private holds = 0
  private destroyed = false
  private relay: TRoomRelay | null = null
  private readonly relayer?: BoardRelay
  private readonly antiEntropyMs: number
  private readonly writer?: BoardUpdateWriter
  private antiEntropyTimer: NodeJS.Timeout | null = null
  /** Relay messages that arrive while the board is loading, applied once it is. */
  private relayBacklog: (() => void)[] | null = []
  /** Job progress shown through the server's own awareness entry (every instance keeps its own). */
  private readonly liveJobs: LiveJobs
  /** The board's records, observed for the room's lifetime (checkpoint restores write through it too). */
  private readonly records: ReturnType<typeof getRecords>
  /** Decides, before it is applied, whether a client update may count. */
  private readonly guard: BoardWriteGuard
  private readonly syncAnswers: SyncAnswers<Connection>
  private readonly stats: TCollabStats
  /** Inbound allowance per person, kept while the room is loaded so a reconnect does not refill it. */
  private readonly inbound = new Map<string, InboundBudget>()

  private pending: Uint8Array[] = []
  private firstPendingAt: number | null = null
  private storeTimer: NodeJS.Timeout | null = null
  /** Promise chain that serialises stores: two appends of one board never overlap. */
  private storeChain: Promise<void> = Promise.resolve()
  private storing = false
  private failedStores = 0
  /** Log rows we know of (loaded + appended since); compaction checks the real count under its lock. */
  private logRows = 0

  constructor(opts: BoardRoomOptions) {
    this.boardId = opts.boardId
    this.db = opts.db
    this.logger = opts.logger
    this.persistence = opts.persistence
    this.onIdle = opts.onIdle
    this.limits = opts.limits
    this.relayer = opts.relay
    this.antiEntropyMs = opts.antiEntropyMs ?? 5_000
    this.writer = opts.writer
    this.stats = opts.stats ?? createCollabStats()
    this.syncAnswers = new SyncAnswers<Connection>({
      doc: this.doc,
      limits: this.limits.syncAnswers,
      personOf: (c) => c.userId,
      send: (c, frame) => this.send(c, frame),
      backlog: (c) => c.ws.bufferedAmount,
      onEncode: () => this.stats.stateEncodes++,
    })
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server is not a participant: without this it would show up as an empty peer.
    this.awareness.setLocalState(null)
    this.liveJobs = new LiveJobs({ idleMs: opts.jobIdleMs ?? 30_000, onChange: (state) => this.awareness.setLocalState(state) })
    this.doc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
    this.records = getRecords(this.doc)
    this.guard = new BoardWriteGuard(this.doc, opts.boardLimits)
  }

  /**
   * Joins the relay first (buffering what arrives), then reads snapshot + log from Postgres, then
   * asks peers for whatever they hold that is not stored yet: no edit falls between the two.
   */
  async load(): Promise<void> {
    if (this.relayer) {
      this.relay = this.relayer.join(this.boardId, {
        onUpdate: (u) => this.fromRelay(() => this.applyRelayedUpdate(u)),
        onAwareness: (u) => this.fromRelay(() => awarenessProtocol.applyAwarenessUpdate(this.awareness, u, RELAY_ORIGIN)),
        onSyncRequest: (sv) => this.fromRelay(() => this.answerSyncRequest(sv)),
      }, this.antiEntropyMs * 3)
    }
    try {
      const updates = await loadBoardUpdates(this.db, this.boardId)
      this.logRows = updates.length
      if (updates.length > 0) Y.applyUpdate(this.doc, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), LOAD_ORIGIN)
    } catch (e) {
      this.relay?.leave()
      this.relay = null
      throw e
    }
    const backlog = this.relayBacklog ?? []
    this.relayBacklog = null
    for (const apply of backlog) apply()
    this.reportMalformed()
    if (this.relay) {
      this.relay.publish('sync', Y.encodeStateVector(this.doc))
      this.antiEntropyTimer = setInterval(() => this.relay?.publish('sync', Y.encodeStateVector(this.doc)), this.antiEntropyMs)
      this.antiEntropyTimer.unref()
    }
  }

  /** The whole document as one update (checkpoints, benchmarks). */
  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc)
  }

  /**
   * Makes the board's canvas equal that of `snapshot` (a checkpoint) in one new transaction:
   * history is kept, and restoring is an edit like any other (it can itself be reverted by
   * restoring an earlier checkpoint). What the server recorded since the checkpoint stays:
   * results and decisions of variations, and approved variations with what holds them
   * (`restorableRecords`).
   */
  async restoreRecords(snapshot: Uint8Array): Promise<void> {
    const target = new Y.Doc()
    Y.applyUpdate(target, snapshot)
    const checkpoint = new Map([...getRecords(target).map].map(([key, { val }]) => [key, val]))
    target.destroy()
    const wanted = await restorableRecords({ db: this.db, boardId: this.boardId, checkpoint, current: this.records })
    const kv = this.records
    this.doc.transact(() => {
      for (const key of [...kv.map.keys()]) if (!wanted.has(key)) kv.delete(key)
      for (const [key, val] of wanted) {
        if (JSON.stringify(kv.get(key)) !== JSON.stringify(val)) kv.set(key, val)
      }
    }, SERVER_ORIGIN)
    await this.flush()
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
    const conn: Connection = { ...info, ws, clientIds: new Set(), refused: false, bucket: this.inboundBudget(info.userId), held: new HeldUpdates(), presence: new PresenceBudget(this.limits.presence) }
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

  /** Shows a job's progress to the board's clients, on the server's own awareness entry. */
  reportJobProgress(message: TJobProgressMessage): void {
    if (!this.destroyed) this.liveJobs.report(message)
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
    if (this.antiEntropyTimer) clearInterval(this.antiEntropyTimer)
    this.relay?.leave()
    this.relay = null
    this.liveJobs.destroy()
    this.syncAnswers.destroy()
    this.guard.destroy()
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return
    // Relayed updates are stored too: if their instance dies before storing them, ours is the copy.
    this.enqueue(update)
    // Alone with a board (the usual case), nothing is published: a newcomer announces itself
    // with a state vector on load and gets everything it lacks in the answer.
    if (origin !== RELAY_ORIGIN && this.relay?.hasPeers()) this.relay.publish('update', update)
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
      for (const id of [...added, ...updated]) {
        conn.clientIds.add(id)
        this.presenceOwners.set(id, conn)
      }
      for (const id of removed) {
        conn.clientIds.delete(id)
        this.presenceOwners.delete(id)
      }
    }
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    // Echoed to the sender too: y-websocket clients count any message as liveness and reconnect
    // after 30 s of silence, and their own awareness renewals are what a lone client receives.
    const message = this.encodeAwareness(changed)
    for (const c of this.connections) this.send(c, message)
    // A timed-out entry is only stale here; telling peers would remove it where it is still live.
    // Our own (job progress) entry stays here too: every instance builds its own from NATS, so
    // relaying it would show each job twice to the clients of the other instances.
    const relayed = changed.filter((id) => id !== this.awareness.clientID)
    if (origin !== RELAY_ORIGIN && origin !== 'timeout' && relayed.length > 0 && this.relay?.hasPeers()) {
      this.relay.publish('awareness', awarenessProtocol.encodeAwarenessUpdate(this.awareness, relayed))
    }
  }

  private fromRelay(apply: () => void): void {
    if (this.destroyed) return
    if (this.relayBacklog) this.relayBacklog.push(apply)
    else apply()
  }

  private applyRelayedUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, RELAY_ORIGIN)
    // What a client sent may have waited for exactly this.
    for (const conn of this.connections) if (conn.held.length > 0) this.drainHeld(conn)
  }

  private answerSyncRequest(stateVector: Uint8Array): void {
    this.relay?.publish('update', Y.encodeStateAsUpdate(this.doc, stateVector))
    const states = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID)
    if (states.length > 0) this.relay?.publish('awareness', awarenessProtocol.encodeAwarenessUpdate(this.awareness, states))
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.refused || this.destroyed) return
    const over = conn.bucket.admit(rawByteLength(data))
    if (over) {
      conn.refused = true
      this.logger.warn('closing connection over its rate limit', { boardId: this.boardId, userId: conn.userId, reason: over })
      closeSocket(conn.ws, RATE_LIMIT_CLOSE_CODE, over)
      conn.onMisbehaved?.('abuse')
      return
    }
    if (!isBinary) return this.refuse(conn, 'Text frames are not part of the sync protocol.')
    let message
    try {
      message = decodeClientMessage(toUint8Array(data), { maxAwarenessStateBytes: this.limits.presence.maxEntryBytes })
    } catch (e) {
      const reason = e instanceof MalformedMessageError ? e.message : String(e)
      return this.refuse(conn, `Malformed message: ${reason}`)
    }
    switch (message.type) {
      case 'sync-step1':
        // Shared per document version and paced: a flood of step 1s costs a bounded number of encodes.
        this.syncAnswers.request(conn, message.stateVector)
        return
      case 'sync-step2':
      case 'sync-update':
        if (!conn.canWrite) return // read-only role: the update is dropped, the connection stays.
        conn.held.push(message.update)
        this.drainHeld(conn)
        return
      case 'awareness': {
        // Size and rate before anything else reads the presence: an oversize one is dropped, never echoed.
        const dropped = conn.presence.admit(message.entries, (id) => conn.clientIds.has(id) || !this.awareness.getStates().has(id))
        if (dropped) return this.dropPresence(conn, dropped)
        // y-websocket clients echo every presence change they see, including removals of others
        // they timed out; only their own entries (and new ids) count, the rest is dropped. What
        // an entry says is rewritten to presence only, under the name of the connection's account.
        const own = message.entries
          .filter((e) => this.mayUpdatePresence(conn, e.clientId))
          .map((e) => ({ ...e, state: sanitizePresence(e, { userId: conn.userId, userName: conn.userName }) }))
        if (own.length === 0) return
        awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(own), conn)
        return
      }
      case 'query-awareness':
        this.send(conn, this.encodeAwareness([...this.awareness.getStates().keys()]))
        return
      case 'unknown':
        this.logger.warn('ignored message of unknown type', { boardId: this.boardId, messageType: message.messageType })
        return
    }
  }

  /** A connection speaks for the ids it announced, and for new ones; the same person may take one over (a reconnect while the old socket is half-open). */
  private mayUpdatePresence(conn: Connection, clientId: number): boolean {
    // The server's own entry carries job progress; no client may write it, even while it is empty.
    if (clientId === this.awareness.clientID) return false
    const owner = this.presenceOwners.get(clientId)
    if (owner === conn) return true
    if (owner) {
      if (owner.userId !== conn.userId) return false
      owner.clientIds.delete(clientId)
      return true
    }
    return !this.awareness.getStates().has(clientId)
  }

  /**
   * Applies a connection's updates, holding back any that depend on changes we do not have (sent
   * right after a reconnect before the client answered our sync step 1, or corrupt) until those
   * arrive; order does not matter to Yjs. While some wait, we ask the client for what we lack.
   */
  private drainHeld(conn: Connection): void {
    while (!conn.refused) {
      let update: Uint8Array | null
      try {
        // Each held update is read once; after that, whether it is ready is a few state lookups.
        update = conn.held.takeReady(this.doc)
      } catch (e) {
        return this.refuse(conn, `Update could not be read: ${e instanceof Error ? e.message : String(e)}`)
      }
      if (!update) break
      // Checked whole before any of it is applied: a refused update is never applied, stored,
      // broadcast or relayed, and the board stays loadable for everyone.
      const problem = this.guard.check(update)
      if (problem) return this.refuse(conn, `Change refused: ${problem}`, 'refused-change')
      try {
        Y.applyUpdate(this.doc, update, conn)
      } catch (e) {
        return this.refuse(conn, `Update could not be applied: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
    if (conn.held.length === 0 || conn.refused) return
    if (conn.held.length > this.limits.maxHeldUpdates) return this.refuse(conn, 'Updates depend on changes this server never received.')
    if (conn.held.bytes > this.limits.maxHeldBytes) {
      this.stats.heldBytesClosed++
      return this.refuse(conn, `Updates waiting for changes this server never received passed ${this.limits.maxHeldBytes} bytes.`)
    }
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(step1, this.doc)
    this.send(conn, encoding.toUint8Array(step1))
  }

  /**
   * Reports elements stored before updates were checked that are not records at all; they stay, and
   * every reader skips them (as it skips records that do not validate: validating a whole board here
   * would cost ~0.1 ms a record on every load).
   */
  private reportMalformed(): void {
    const malformed = this.records.yarray.length - this.records.size
    if (malformed > 0) this.logger.warn('board holds malformed elements in its records; readers skip them', { boardId: this.boardId, count: malformed })
  }

  private inboundBudget(userId: string): InboundBudget {
    let budget = this.inbound.get(userId)
    if (!budget) this.inbound.set(userId, (budget = new InboundBudget({ rate: this.limits.rate, bytes: this.limits.inboundBytes })))
    return budget
  }

  private dropSlowReader(conn: Connection, queued: number): void {
    conn.refused = true
    this.stats.slowReadersClosed++
    this.logger.warn('closing a connection that does not read what is sent to it', { boardId: this.boardId, userId: conn.userId, queuedBytes: queued })
    closeSocket(conn.ws, RATE_LIMIT_CLOSE_CODE, 'Too far behind: messages for you are piling up. Reconnect to resync.')
    conn.onMisbehaved?.('abuse')
    setTimeout(() => conn.ws.terminate(), SLOW_READER_GRACE_MS).unref()
  }

  /** The frame is not applied; the first drop per connection is logged (a flood would fill the log). */
  private dropPresence(conn: Connection, reason: string): void {
    this.stats.presenceDropped++
    if (conn.presenceDropLogged) return
    conn.presenceDropLogged = true
    this.logger.warn('presence dropped', { boardId: this.boardId, userId: conn.userId, reason })
  }

  private refuse(conn: Connection, reason: string, kind: 'refused-change' | 'abuse' = 'abuse'): void {
    conn.refused = true
    this.logger.warn('closing connection', { boardId: this.boardId, userId: conn.userId, reason })
    closeSocket(conn.ws, wsCloseCodeFor(AppErrorCode.BAD_REQUEST), reason)
    conn.onMisbehaved?.(kind)
  }

  private removeConnection(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    this.syncAnswers.forget(conn)
    for (const id of conn.clientIds) if (this.presenceOwners.get(id) === conn) this.presenceOwners.delete(id)
    if (!this.destroyed && conn.clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.clientIds], null)
    }
    this.release()
  }

  private send(conn: Connection, message: Uint8Array): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return
    // A client that does not read is not buffered for without end; one whole board may always be on its way.
    const queued = conn.ws.bufferedAmount
    if (queued > 0 && queued + message.byteLength > this.limits.maxQueuedBytes + this.syncAnswers.largestAnswerBytes) return this.dropSlowReader(conn, queued)
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
      if (this.writer) await this.writer.append(this.boardId, update)
      else await appendBoardUpdate(this.db, { boardId: this.boardId, update })
      this.logRows++
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
    if (this.logRows >= this.persistence.compactAfterRows) await this.compact()
  }

  /** Folds the log into the snapshot; a failure only means a longer log until the next try. */
  private async compact(): Promise<void> {
    this.storing = true
    try {
      await compactBoardUpdates(this.db, { boardId: this.boardId, merge: mergeIntoSnapshot, minRows: this.persistence.compactAfterRows })
      this.logRows = 0
    } catch (e) {
      this.logger.warn('compacting board updates failed', { boardId: this.boardId, ...errorFields(e) })
    } finally {
      this.storing = false
    }
  }
}

/** Through a document rather than `Y.mergeUpdates`: deleted content is garbage-collected. */
function mergeIntoSnapshot(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true })
  for (const u of updates) Y.applyUpdate(doc, u)
  const snapshot = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return snapshot
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
