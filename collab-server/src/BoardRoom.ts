import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { WebSocket } from 'ws'
import { AppError, AppErrorCode, type TJobProgressMessage } from '@montage/core'
import type { Sql } from '@montage/db'
import type { BoardUpdateWriter } from './BoardUpdateWriter'
import { applyBoardCommand, BOARD_COMMAND_ORIGIN, BoardWriteGuard, getRecords, numberVariations, reconcileSharedTexts, resetSharedTexts, type TBoardCommand, type TBoardWriteLimits, type TRecordChange } from '@montage/board'
import { stateFrame } from './decode-client-message'
import { WireFrame } from './wire-frame'
import type { TLogger } from './logger'
import type { BoardRelay, TRoomRelay } from './BoardRelay'
import { LiveJobs } from './LiveJobs'
import { restorableRecords } from './restorable-records'
import { InboundBudget } from './InboundBudget'
import { SyncAnswers } from './SyncAnswers'
import { forwardableUpdate, madeExactly, type TForwardable } from './forwardable-update'
import { applyReadUpdate, type TReadUpdate } from './read-update'
import { createCollabStats, type TCollabMetricsSink, type TCollabStats } from './collab-stats'
import { BoardPersistence, type TPersistenceOptions } from './BoardPersistence'
import { ShotSearchIndex } from './ShotSearchIndex'
import type { ShotSearchWriter } from './ShotSearchWriter'
import { applyPresence, encodePresence, readPresenceUpdate } from './presence-states'
import { BoardConnection, encodeAwarenessMessage, type TConnectionInfo, type TConnectionLimits, type TConnectionRoom } from './BoardConnection'

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
  /** How often the instance sends each room's state vector to peers (`announceState`), so a lost relay message is repaired: a peer unheard for three times this is gone. */
  antiEntropyMs?: number
  /** Shared group-commit writer; without one the room appends on its own. */
  writer?: BoardUpdateWriter
  /** How a board of many connections paces its update sends (default `DEFAULT_CROWD_PACING`). */
  crowd?: TCrowdPacing
  /** Shared group-commit writer of the shot search rows; without one the room writes its own. */
  searchWriter?: ShotSearchWriter
  /** Called whenever the room may have become unloadable: no holders and (maybe) nothing pending. */
  onIdle: (room: BoardRoom) => void
  /** A live job not heard from for this long leaves the board's progress entry (default 30 s). */
  jobIdleMs?: number
  /** Counters of the limits' work, shared by the instance's rooms. */
  stats?: TCollabStats
  metrics?: TCollabMetricsSink
}

/** One turn's document updates, with where each came from. */
interface Outgoing {
  updates: Uint8Array[]
  /** Each update's origin (the connection that sent it, or the room's own origins). */
  origins: unknown[]
  /** Those not from another instance and not relayed yet: what peers are sent. */
  relayed: Uint8Array[]
  /** Sent after the crowd pacing interval (`TCrowdPacing`), not at the end of the turn. */
  paced: boolean
}

/** Presence entries changed since the last presence frame, and those to relay to peers. */
interface OutgoingPresence {
  changed: Set<number>
  relayed: Set<number>
}

/**
 * Least time between two presence frames of a board (at most 50 a second). A cursor that moves
 * after a quiet moment goes out in the same turn; a busy board's moves are gathered, each
 * client's latest state once: 200 people moving their cursors 10 times a second cost every one
 * of them 50 frames a second, not 2,000.
 */
const PRESENCE_INTERVAL_MS = 20

/** What a sender of a turn's one update gets when no presence goes with it: nothing, without a new array per send. */
const NO_FRAMES: readonly WireFrame[] = []

/**
 * How a crowded board paces its document updates. A board's updates go out at the end of the turn
 * that brought them, one write per connection; on a board of `connections` or more, at least
 * `updateIntervalMs` pass between two such sends (by default at most 125 a second), and what came
 * meanwhile leaves together, each update still its own message. An edit after a quiet moment goes
 * out in its own turn. Every send to 200 people is 199 writes, and on a 2-core machine the
 * receivers' wake-ups share the cores with the server: paced, the boards bench's 200 editors cost
 * the server less CPU (collab-server README). Boards under 64 connections are not paced. Only the
 * sockets are paced: the board's other instances are sent each update at the end of its turn, so
 * on a board split across instances an edit waits for one interval at most, not one on each side.
 */
export interface TCrowdPacing {
  connections: number
  updateIntervalMs: number
}

export const DEFAULT_CROWD_PACING: TCrowdPacing = { connections: 64, updateIntervalMs: 8 }

/**
 * How long a loaded board waits for a client's sync step 1 before building its document anyway:
 * after the read, and again once the stored bytes sent to the clients that had nothing are all on
 * the wire (see `answerCold`), so a crowd opening a board at once is answered before the build,
 * which holds the event loop (~80 ms for 10,000 shapes). At most `COLD_MAX_MS` after the read, and
 * at once when something needs the document (an edit, a client that has part of the board).
 */
const COLD_GRACE_MS = 50
const COLD_MAX_MS = 500

function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0
}

/** How often an instance publishes each open board's state vector to the board's other instances. */
export const DEFAULT_ANTI_ENTROPY_MS = 5_000

/** Runs `fn` after `delayMs`, or at the end of this turn when that is not in the future; returns its cancel. */
function schedule(fn: () => void, delayMs: number): () => void {
  if (delayMs > 0) {
    const timer = setTimeout(fn, delayMs)
    return () => clearTimeout(timer)
  }
  const immediate = setImmediate(fn)
  return () => clearImmediate(immediate)
}

/** Marks the transaction that replays stored updates, which must not be stored again. */
const LOAD_ORIGIN = Symbol('load')
/** Changes from another instance: stored and sent to our clients, never relayed back. */
const RELAY_ORIGIN = Symbol('relay')
/** Changes the server makes itself (commands, restores): stored, sent and relayed. */
const SERVER_ORIGIN = Symbol('server')

/**
 * One board's live document and awareness, joining its parts: the connections (`BoardConnection`:
 * what each client may send and is sent), the storage (`BoardPersistence`: debounced appends and
 * compaction), and the relay to other instances holding the board (with a periodic state-vector
 * exchange that repairs lost relay messages). Every change to the document, whoever made it, goes
 * through `onDocUpdate`: queued for storage, sent to the other clients, relayed to peers.
 * The room is kept alive by holds (a connection, a board command being applied); the registry
 * unloads it once it is idle and everything is stored.
 */
export class BoardRoom implements TConnectionRoom {
  readonly boardId: string
  readonly doc = new Y.Doc({ gc: true })
  readonly awareness: awarenessProtocol.Awareness
  readonly logger: TLogger
  readonly limits: TConnectionLimits
  readonly stats: TCollabStats
  readonly metrics?: TCollabMetricsSink
  /** Decides, before it is applied, whether a client update may count. */
  readonly guard: BoardWriteGuard
  readonly syncAnswers: SyncAnswers<BoardConnection>
  readonly presenceOwners = new Map<number, BoardConnection>()

  private readonly db: Sql
  private readonly onIdle: (room: BoardRoom) => void
  private readonly storage: BoardPersistence
  private readonly connections = new Set<BoardConnection>()
  /** Inbound allowance per person, kept while the room is loaded so a reconnect does not refill it. */
  private readonly inbound = new Map<string, InboundBudget>()
  private holds = 0
  private destroyed = false
  private relay: TRoomRelay | null = null
  private readonly relayer?: BoardRelay
  private readonly antiEntropyMs: number
  private readonly crowd: TCrowdPacing
  /** The stored board as read by `load`, until the document is built from it (`warm`). */
  private cold: Uint8Array | null = null
  private coldFrame: Uint8Array | null = null
  private coldTimer: NodeJS.Timeout | null = null
  /** Cold answers (`answerCold`) still on their way to their clients. */
  private coldSends = 0
  private coldReadAt = 0
  /** Connections added before the document was built: their sync starts once it is. */
  private waitingStart: BoardConnection[] = []
  /** The client update being applied, while its own bytes may stand for its change. */
  private forwarding: TForwardable | null = null
  /** Document changes of the current turn, not sent yet. */
  private pending: Outgoing | null = null
  /** Cancels the scheduled update frame. */
  private cancelUpdateFlush: (() => void) | null = null
  /** Relays a paced send's updates at the end of their turn (`flushRelayed`). */
  private cancelRelayFlush: (() => void) | null = null
  /** Presence changed since the last presence frame, sent at most every `PRESENCE_INTERVAL_MS`. */
  private pendingPresence: OutgoingPresence | null = null
  /** Cancels the scheduled presence frame. */
  private cancelPresenceFlush: (() => void) | null = null
  private lastPresenceFlush = -Infinity
  private lastUpdateFlush = -Infinity
  /** Relay messages that arrive while the board is loading, applied once it is. */
  private relayBacklog: (() => void)[] | null = []
  /** Job progress shown through the server's own awareness entry (every instance keeps its own). */
  private readonly liveJobs: LiveJobs
  /** The board's records, observed for the room's lifetime (checkpoint restores write through it too). */
  private readonly records: ReturnType<typeof getRecords>
  /** The board's shots in `board_search_shapes`, rewritten when they change. */
  readonly searchIndex: ShotSearchIndex

  constructor(opts: BoardRoomOptions) {
    this.boardId = opts.boardId
    this.db = opts.db
    this.logger = opts.logger
    this.onIdle = opts.onIdle
    this.limits = opts.limits
    this.relayer = opts.relay
    this.antiEntropyMs = opts.antiEntropyMs ?? DEFAULT_ANTI_ENTROPY_MS
    this.crowd = opts.crowd ?? DEFAULT_CROWD_PACING
    this.stats = opts.stats ?? createCollabStats()
    this.metrics = opts.metrics
    this.storage = new BoardPersistence({
      boardId: opts.boardId,
      db: opts.db,
      logger: opts.logger,
      persistence: opts.persistence,
      writer: opts.writer,
      onStored: () => {
        if (this.isWarm() && !this.destroyed) this.searchIndex.refreshSoon()
        if (this.isUnloadable() && !this.destroyed) this.onIdle(this)
      },
    })
    this.searchIndex = new ShotSearchIndex({ boardId: opts.boardId, db: opts.db, logger: opts.logger, records: () => this.records.values(), record: (id) => this.records.get(id), writer: opts.searchWriter })
    this.syncAnswers = new SyncAnswers<BoardConnection>({
      doc: this.doc,
      limits: this.limits.syncAnswers,
      personOf: (c) => c.userId,
      send: (c, frame, onSent) => c.send(frame, onSent),
      backlog: (c) => c.ws.bufferedAmount,
      onEncode: () => this.stats.stateEncodes++,
    })
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server is not a participant: without this it would show up as an empty peer.
    this.awareness.setLocalState(null)
    this.liveJobs = new LiveJobs({ idleMs: opts.jobIdleMs ?? 30_000, onChange: (state) => this.awareness.setLocalState(state) })
    this.doc.on('update', this.onDocUpdate)
    this.doc.on('afterTransactionCleanup', this.beforeUpdateEvent)
    this.awareness.on('update', this.onAwarenessUpdate)
    this.records = getRecords(this.doc)
    this.records.on('change', this.onRecordChanges)
    this.guard = new BoardWriteGuard(this.doc, opts.boardLimits)
  }

  /**
   * Joins the relay first (buffering what arrives), then reads snapshot + log from Postgres. The
   * document is built from them (`warm`) once something needs it: a first client that has nothing
   * is sent the stored bytes as they are before that (`answerCold`), so its copy and ours are
   * built at the same time. Once warm, the room asks peers for whatever they hold that is not
   * stored yet: no edit falls between the two.
   */
  async load(): Promise<void> {
    if (this.relayer) {
      this.relay = this.relayer.join(this.boardId, {
        onUpdate: (u) => this.fromRelay(() => this.applyRelayedUpdate(u)),
        onAwareness: (u) => this.fromRelay(() => applyPresence(this.awareness, readPresenceUpdate(u), RELAY_ORIGIN)),
        onSyncRequest: (sv) => this.fromRelay(() => this.answerSyncRequest(sv)),
      }, this.antiEntropyMs * 3)
    }
    try {
      this.cold = await this.storage.load()
    } catch (e) {
      this.relay?.leave()
      this.relay = null
      throw e
    }
    this.coldReadAt = performance.now()
    this.warmAfterGrace()
  }

  /** Whether the stored board may show a variation as queued or running (a lost publish to reconcile before anyone sees it). */
  mayHoldUnfinishedVariations(): boolean {
    if (!this.cold) return this.isWarm()
    // Strings are stored as their UTF-8 bytes: without these words, no record can carry either status.
    const bytes = Buffer.from(this.cold.buffer, this.cold.byteOffset, this.cold.byteLength)
    return bytes.includes('queued') || bytes.includes('running')
  }

  isWarm(): boolean {
    return this.relayBacklog === null
  }

  /**
   * Builds the document from what `load` read, if not done yet, then starts what waited for it:
   * the relay's backlog and state-vector exchange, and the connections added meanwhile.
   */
  warm(): void {
    if (this.relayBacklog === null || this.destroyed) return
    if (this.coldTimer) clearTimeout(this.coldTimer)
    this.coldTimer = null
    const stored = this.cold
    const frame = this.coldFrame
    this.cold = null
    this.coldFrame = null
    if (stored) {
      // The stored bytes are the whole board once applied: the first new clients share them. The
      // document is built from the frame's copy of them (its tail), so the board's records, which
      // are views into the bytes they were read from, and the frame share one buffer: the room
      // holds the stored board once, not twice (1.3 MB for 10,000 shapes).
      const full = frame ?? stateFrame(stored)
      this.syncAnswers.seedFull(full)
      Y.applyUpdate(this.doc, full.subarray(full.byteLength - stored.byteLength), LOAD_ORIGIN)
    }
    const backlog = this.relayBacklog
    this.relayBacklog = null
    for (const apply of backlog) apply()
    this.reportMalformed()
    // A board stored before versions existed gets its numbers now, per shot in creation order;
    // stored and sent like a command's change (every instance computes the same numbers).
    try {
      numberVariations(this.doc, BOARD_COMMAND_ORIGIN)
    } catch (e) {
      this.logger.warn('numbering the board\'s variations failed', { boardId: this.boardId, error: e instanceof Error ? e.message : String(e) })
    }
    // A board stored before shared texts gets every shot's texts now, from its props, in one
    // transaction: browsers never make a text of a shape they did not make, so no two people's first
    // keystrokes go into two texts of one field. Texts of shapes deleted meanwhile go too.
    try {
      reconcileSharedTexts(this.doc, { shapes: this.records.values(), isLive: (id) => this.records.has(id), origin: SERVER_ORIGIN })
    } catch (e) {
      this.logger.warn('making the board\'s shared texts failed', { boardId: this.boardId, error: e instanceof Error ? e.message : String(e) })
    }
    if (stored) void this.searchIndex.refresh()
    this.announceState()
    const waiting = this.waitingStart
    this.waitingStart = []
    for (const conn of waiting) if (this.connections.has(conn)) conn.start()
  }

  /**
   * A sync step 1 from a connection of a board not built yet: one that has nothing is sent the
   * stored board as it was read, and the document is built once those bytes are on their way.
   * Anything else waits for the document. True when answered.
   */
  answerCold(conn: BoardConnection, stateVector: Uint8Array): boolean {
    const stored = this.cold
    if (!stored || !isEmptyStateVector(stateVector)) {
      this.warm()
      return false
    }
    this.stats.coldAnswers++
    this.coldSends++
    this.warmAfterGrace()
    this.syncAnswers.sendStored(conn, (this.coldFrame ??= stateFrame(stored)), () => {
      this.coldSends--
      this.warmAfterGrace()
    })
    return true
  }

  /**
   * Builds the document once no client asked for the stored bytes for a moment (`COLD_GRACE_MS`)
   * and none is still being sent them: the build holds the event loop, and a socket's bytes beyond
   * what the kernel took at once would wait for it. At the latest `COLD_MAX_MS` after the read.
   */
  private warmAfterGrace(): void {
    if (this.isWarm() || this.destroyed) return
    if (this.coldTimer) clearTimeout(this.coldTimer)
    const left = this.coldReadAt + COLD_MAX_MS - performance.now()
    this.coldTimer = setTimeout(() => this.warm(), Math.max(0, this.coldSends > 0 ? left : Math.min(COLD_GRACE_MS, left)))
  }

  /** The whole document as one update (checkpoints, benchmarks). */
  encodeState(): Uint8Array {
    this.warm()
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
    this.warm()
    const target = new Y.Doc()
    Y.applyUpdate(target, snapshot)
    const checkpoint = new Map([...getRecords(target).map].map(([key, { val }]) => [key, val]))
    target.destroy()
    const wanted = await restorableRecords({ db: this.db, boardId: this.boardId, checkpoint, current: this.records })
    const kv = this.records
    this.doc.transact(() => {
      for (const key of [...kv.map.keys()]) if (!wanted.has(key)) kv.delete(key)
      for (const [key, val] of wanted) {
        if (JSON.stringify(kv.get(key)) === JSON.stringify(val)) continue
        kv.set(key, val)
        // The restored prompt and title, not the text typed since, are what the fields then show.
        resetSharedTexts(this.doc, val as { id: string; type?: unknown; props?: unknown })
      }
    }, SERVER_ORIGIN)
    await this.flush()
  }

  get connectionCount(): number {
    return this.connections.size
  }

  isDestroyed(): boolean {
    return this.destroyed
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
    return this.holds === 0 && this.pending === null && this.storage.isSettled()
  }

  /**
   * Takes over one hold the caller acquired (released when the socket closes), then starts the
   * sync: our state vector, so the client sends what we lack, and everyone's presence.
   */
  addConnection(ws: WebSocket, info: TConnectionInfo): void {
    const conn = new BoardConnection(ws, info, this.inboundBudget(info.userId), this)
    this.connections.add(conn)
    ws.on('close', () => this.removeConnection(conn))
    if (this.isWarm()) conn.start()
    else this.waitingStart.push(conn)
  }

  /**
   * Applies a server-side command; the resulting update is broadcast and queued like any client
   * update. Resolves once it is durably stored, so the caller may acknowledge the command.
   */
  async applyCommand(command: TBoardCommand): Promise<void> {
    this.warm()
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
    this.flushOutgoing()
    return this.storage.flush()
  }

  destroy(): void {
    if (this.destroyed) return
    // What this turn changed is sent and queued for storage (shutdown flushes after destroying).
    this.flushOutgoing()
    // A search refresh put off is written now, while the records are here to read.
    this.searchIndex.refreshPutOff()
    this.destroyed = true
    if (this.coldTimer) clearTimeout(this.coldTimer)
    this.cold = null
    this.coldFrame = null
    this.storage.destroy()
    this.relay?.leave()
    this.relay = null
    this.liveJobs.destroy()
    this.syncAnswers.destroy()
    this.guard.destroy()
    this.records.off('change', this.onRecordChanges)
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }

  /**
   * Names every changed record to the search index (it reads only those at its next refresh), and
   * keeps texts with their shapes after a change made here (a client's, a command's, a restore): a
   * deleted shape's texts are removed (clients may not remove texts, so that none removes those of a
   * live shape), and a shape added without its texts (a restored one) gets them. Changes from
   * another instance are left to it (it sends what it did), and loading is reconciled in `warm`.
   */
  private readonly onRecordChanges = (changes: Map<string, TRecordChange>, transaction: Y.Transaction): void => {
    this.searchIndex.noteChanged(changes.keys())
    const origin = transaction.origin
    if (origin === LOAD_ORIGIN || origin === RELAY_ORIGIN || this.destroyed || !this.isWarm()) return
    const added: { id: string }[] = []
    const gone = new Set<string>()
    for (const [id, change] of changes) {
      if (change.action === 'delete') gone.add(id)
      else if (change.action === 'add') added.push(change.newValue)
    }
    if (added.length === 0 && gone.size === 0) return
    reconcileSharedTexts(this.doc, { shapes: added, isLive: (id) => this.records.has(id), gone, origin: SERVER_ORIGIN })
  }

  /**
   * Applies a client's update (checked by the guard, its dependencies present), with the values
   * read when it arrived (`applyReadUpdate`: they are not parsed twice). When the update's own
   * bytes turn out to be exactly the change it made (`madeExactly`), they are what the room sends,
   * relays and stores, and Yjs does not encode the change again.
   */
  applyClientUpdate(update: Uint8Array, decoded: TReadUpdate, origin: unknown): void {
    this.forwarding = forwardableUpdate(this.doc, update, decoded, origin)
    try {
      applyReadUpdate(this.doc, update, decoded, origin)
    } finally {
      this.forwarding = null
    }
  }

  /**
   * Runs in each transaction's cleanup, just before Yjs encodes the transaction for the document's
   * 'update' event if anyone listens: decides per transaction whether `onDocUpdate` listens, and so
   * is the one place that keeps the load out of it. Not for the load (nothing wants the stored board
   * again: it is what `SyncAnswers.seedFull` holds) nor for a client update whose bytes are the
   * change (handed on here); for everything else (commands, restores, relayed updates, changes made
   * by observers in nested transactions) Yjs encodes it as before.
   */
  private readonly beforeUpdateEvent = (transaction: Y.Transaction): void => {
    const forwarding = this.forwarding
    if (transaction.origin === LOAD_ORIGIN) {
      this.doc.off('update', this.onDocUpdate)
    } else if (forwarding && madeExactly(transaction, forwarding)) {
      this.forwarding = null
      this.doc.off('update', this.onDocUpdate)
      this.stats.forwardedUpdates++
      this.onDocUpdate(forwarding.update, transaction.origin)
    } else {
      this.doc.on('update', this.onDocUpdate)
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.syncAnswers.noteUpdate(update)
    const out = this.outgoing()
    out.updates.push(update)
    out.origins.push(origin)
    // Relayed updates are stored and sent to our clients, never relayed back.
    if (origin === RELAY_ORIGIN) return
    out.relayed.push(update)
    // Pacing holds back our sockets only: the board's other instances get the update at the end
    // of this turn, and pace their own clients' sends as they would pace a local edit.
    if (out.paced && !this.cancelRelayFlush) this.cancelRelayFlush = schedule(this.flushRelayed, 0)
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof BoardConnection && this.connections.has(origin)) origin.ownPresence([...added, ...updated], removed)
    if (added.length + updated.length + removed.length === 0) return
    const out = this.outgoingPresence()
    // A timed-out entry is only stale here; telling peers would remove it where it is still live.
    // Our own (job progress) entry stays here too: every instance builds its own from NATS, so
    // relaying it would show each job twice to the clients of the other instances.
    const relay = origin !== RELAY_ORIGIN && origin !== 'timeout'
    for (const ids of [added, updated, removed]) {
      for (const id of ids) {
        out.changed.add(id)
        if (relay && id !== this.awareness.clientID) out.relayed.add(id)
      }
    }
  }

  /**
   * Publishes the document's state vector to the board's other instances, which answer with what
   * it lacks and learn this instance holds the board: once the document is built, then at every
   * anti-entropy tick of the instance (`BoardRooms`: one timer for all rooms, so their publishes
   * leave in one write), repairing relayed messages that were lost. Nothing before the build.
   */
  announceState(): void {
    if (this.relay && this.isWarm() && !this.destroyed) this.relay.publish('sync', Y.encodeStateVector(this.doc))
  }

  /**
   * What this turn of the event loop changed in the document, sent once it ends (`flushOutgoing`);
   * on a crowded board, once the pacing interval since the last send has passed (`TCrowdPacing`).
   */
  private outgoing(): Outgoing {
    if (this.pending) return this.pending
    const { connections, updateIntervalMs } = this.crowd
    const wait = this.connections.size >= connections ? this.lastUpdateFlush + updateIntervalMs - performance.now() : 0
    this.pending = { updates: [], origins: [], relayed: [], paced: wait > 0 }
    this.cancelUpdateFlush = schedule(this.flushOutgoing, wait)
    return this.pending
  }

  /** Presence changed since the last presence frame, sent at the end of this turn or, on a busy board, once the interval has passed. */
  private outgoingPresence(): OutgoingPresence {
    if (this.pendingPresence) return this.pendingPresence
    this.pendingPresence = { changed: new Set(), relayed: new Set() }
    this.cancelPresenceFlush = schedule(this.flushOutgoing, this.lastPresenceFlush + PRESENCE_INTERVAL_MS - performance.now())
    return this.pendingPresence
  }

  /**
   * Sends whatever waits, document updates and presence alike, in one write per connection: at
   * the end of the turn that brought them, or once the interval of whichever is paced (updates on a
   * crowded board, `TCrowdPacing`; presence, `PRESENCE_INTERVAL_MS`) has passed. What the other
   * kind has waiting then goes along, early: on a busy board, where both wait, each receiver gets
   * one write for both, not one for each (a socket write is the largest part of a send).
   *
   * Each update is its own WebSocket frame, built once for all receivers (`WireFrame`); nobody is
   * sent back what they sent. The updates are queued for storage, and relayed to peers each as its
   * own message (a paced send's were relayed at the end of their own turn: `flushRelayed`).
   * Frames are not merged into one: `Y.mergeUpdates` reads and writes every struct of them again,
   * which on a board busy enough to have several updates a turn cost more than all the sends.
   * The presence entries changed since the last presence frame go as one frame, to every
   * connection (the sender's own included) and to peers.
   */
  private readonly flushOutgoing = (): void => {
    const presence = this.takePresenceFrame()
    const out = this.pending
    let frames: WireFrame[] = []
    if (out) {
      this.pending = null
      this.cancelUpdateFlush?.()
      this.cancelUpdateFlush = null
      if (out.updates.length > 0) {
        this.lastUpdateFlush = performance.now()
        // Relayed updates are stored too: if their instance dies before storing them, ours is the copy.
        this.storage.enqueue(out.updates)
        // Alone with a board (the usual case), nothing is published: a newcomer announces itself
        // with a state vector on load and gets everything it lacks in the answer.
        // Each update its own message, not merged: merging reads and writes all of them again (a burst
        // of a new board, relayed while its first peers may still answer, spent a quarter of the
        // instance's CPU in it); the NATS connection writes a turn's messages together anyway.
        this.flushRelayed(out)
        frames = out.updates.map((update) => WireFrame.ofUpdate(update))
      }
    }
    if (frames.length === 0 && !presence) return
    const origins = out?.origins ?? []
    if (frames.length <= 1) {
      // One update (or none): two lists, built once, serve every receiver.
      const others = presence ? [...frames, presence] : frames
      const own = presence ? [presence] : NO_FRAMES
      for (const conn of this.connections) conn.sendFrames(frames.length === 1 && conn === origins[0] ? own : others)
      return
    }
    for (const conn of this.connections) {
      const mine = frames.filter((_, i) => origins[i] !== conn)
      if (presence) mine.push(presence)
      conn.sendFrames(mine)
    }
  }

  /**
   * Publishes to the board's other instances the updates waiting in `out` (the pending send's,
   * by default) that were not relayed yet: at the end of their turn while the send is paced, and
   * with the send otherwise.
   */
  private readonly flushRelayed = (out: Outgoing | null = this.pending): void => {
    this.cancelRelayFlush?.()
    this.cancelRelayFlush = null
    if (!out || out.relayed.length === 0) return
    const relayed = out.relayed
    out.relayed = []
    if (this.relay?.hasPeers()) for (const update of relayed) this.relay.publish('update', update)
  }

  /**
   * The presence entries changed since the last presence frame, as one frame for every connection
   * (null when none changed), relayed to peers as it is taken.
   */
  private takePresenceFrame(): WireFrame | null {
    const out = this.pendingPresence
    if (!out) return null
    this.pendingPresence = null
    this.cancelPresenceFlush?.()
    this.cancelPresenceFlush = null
    this.lastPresenceFlush = performance.now()
    if (out.relayed.size > 0 && this.relay?.hasPeers()) {
      this.relay.publish('awareness', encodePresence(this.awareness, [...out.relayed]))
    }
    // Echoed to the sender too: y-websocket clients count any message as liveness and reconnect
    // after 30 s of silence, and their own awareness renewals are what a lone client receives.
    return WireFrame.of(encodeAwarenessMessage(this.awareness, [...out.changed]))
  }

  private fromRelay(apply: () => void): void {
    if (this.destroyed) return
    if (this.relayBacklog) this.relayBacklog.push(apply)
    else apply()
  }

  private applyRelayedUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, RELAY_ORIGIN)
    // What a client sent may have waited for exactly this.
    for (const conn of this.connections) if (conn.hasHeldUpdates) conn.drainHeld()
  }

  private answerSyncRequest(stateVector: Uint8Array): void {
    this.relay?.publish('update', Y.encodeStateAsUpdate(this.doc, stateVector))
    const states = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID)
    if (states.length > 0) this.relay?.publish('awareness', encodePresence(this.awareness, states))
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

  private removeConnection(conn: BoardConnection): void {
    if (!this.connections.delete(conn)) return
    this.syncAnswers.forget(conn)
    const clientIds = conn.disownPresence()
    if (!this.destroyed && clientIds.length > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, clientIds, null)
    }
    this.release()
  }
}
