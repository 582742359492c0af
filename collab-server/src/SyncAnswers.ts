import * as Y from 'yjs'
import { stateFrame, updateFrame } from './decode-client-message'
import { mergeInGroups } from './merge-updates'
import { TokenBucket, type TRateLimit } from './TokenBucket'

export interface TSyncAnswerLimits {
  /** Answers to one person's sync step 1s on this board, over all their connections (shared ones included). */
  perPerson: TRateLimit
  /** Encodings of the board's state (each walks the whole document), over all its connections. */
  perBoard: TRateLimit
}

export interface TSyncAnswersOptions<C> {
  doc: Y.Doc
  limits: TSyncAnswerLimits
  /** Who a connection belongs to: a person's connections share one allowance, so reconnecting does not refill it. */
  personOf: (conn: C) => string
  send: (conn: C, frame: Uint8Array, onSent?: () => void) => void
  /** Bytes still waiting to be sent to the connection: one that has not taken its last copy of the board gets no other yet. */
  backlog?: (conn: C) => number
  /** Called once per encoding of the document's state (not for a shared answer). */
  onEncode?: () => void
}

interface Waiting {
  stateVector: Uint8Array
  timer: NodeJS.Timeout
}

/** Answers kept per document version: a reconnect storm mostly asks with a handful of state vectors. */
const MAX_CACHED = 4
/** How often a connection still reading its last copy of the board is looked at again. */
const BACKLOG_RECHECK_MS = 1_000

/**
 * Answers clients' sync step 1 (the state they lack) at a bounded cost. Every answer walks the
 * whole document (Yjs writes the full delete set), so a client sending thousands of step 1s would
 * otherwise cost thousands of full encodes. Concurrent askers with the same state vector (most
 * often the empty one of a new client) share one encoding per document version; the rest is paced
 * by two token buckets, one per person and one per board. An asker over its rate is not
 * refused: its latest state vector (a later one supersedes an earlier) is answered once there is
 * a token, so an honest client always gets its answer.
 */
export class SyncAnswers<C> {
  /** Per person, for the room's life (bounded by the board's members). */
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly waiting = new Map<C, Waiting>()
  private readonly boardBucket: TokenBucket
  private readonly cache = new Map<string, Uint8Array>()
  /**
   * The whole board as of some earlier version, and the updates since: what a new client (an
   * empty state vector) is sent, so the board is encoded again only once the updates since weigh
   * half as much as the board, not at every edit.
   */
  private full: { frame: Uint8Array; since: Uint8Array[]; sinceBytes: number; catchUp: Uint8Array | null } | null = null
  private largest = 0
  private destroyed = false

  constructor(private readonly opts: TSyncAnswersOptions<C>) {
    this.boardBucket = new TokenBucket(opts.limits.perBoard)
  }

  /** The largest answer sent so far: one whole copy of the board, which any connection may have queued. */
  get largestAnswerBytes(): number {
    return this.largest
  }

  request(conn: C, stateVector: Uint8Array): void {
    if (this.destroyed) return
    const waiting = this.waiting.get(conn)
    if (waiting) {
      waiting.stateVector = stateVector
      return
    }
    this.answer(conn, stateVector)
  }

  /**
   * Sends a client that has nothing the board as stored (a sync step 2 frame), before the document
   * is built from it; `onSent` once the bytes are handed to the socket. Counts as the person's answer.
   */
  sendStored(conn: C, frame: Uint8Array, onSent: () => void): void {
    const person = this.opts.personOf(conn)
    let bucket = this.buckets.get(person)
    if (!bucket) this.buckets.set(person, (bucket = new TokenBucket(this.opts.limits.perPerson)))
    bucket.take(1)
    this.largest = Math.max(this.largest, frame.byteLength)
    this.opts.send(conn, frame, onSent)
  }

  /**
   * `frame` (a sync step 2) is the whole document once the stored board is applied (an apply the
   * room never hands to `noteUpdate`): new clients are sent it without an encode.
   */
  seedFull(frame: Uint8Array): void {
    this.full = { frame, since: [], sinceBytes: 0, catchUp: null }
  }

  /** The connection left: drop any answer it still waits for (its person keeps their allowance). */
  forget(conn: C): void {
    const waiting = this.waiting.get(conn)
    if (waiting) clearTimeout(waiting.timer)
    this.waiting.delete(conn)
  }

  destroy(): void {
    this.destroyed = true
    for (const waiting of this.waiting.values()) clearTimeout(waiting.timer)
    this.waiting.clear()
    this.buckets.clear()
    this.cache.clear()
    this.full = null
  }

  private answer(conn: C, asked: Uint8Array): void {
    // A client that has not read the last whole board we sent it does not need another one yet.
    if (this.largest > 0 && (this.opts.backlog?.(conn) ?? 0) > this.largest) return this.wait(conn, asked, BACKLOG_RECHECK_MS)
    const stateVector = this.canonical(asked)
    const person = this.opts.personOf(conn)
    let bucket = this.buckets.get(person)
    if (!bucket) this.buckets.set(person, (bucket = new TokenBucket(this.opts.limits.perPerson)))
    const waitConn = bucket.msUntil(1)
    if (waitConn > 0) return this.wait(conn, stateVector, waitConn)
    if (stateVector.byteLength === 1 && stateVector[0] === 0) {
      if (!this.full) {
        const waitBoard = this.boardBucket.msUntil(1)
        if (waitBoard > 0) return this.wait(conn, stateVector, waitBoard)
        this.boardBucket.take(1)
        this.full = { frame: this.encode(stateVector), since: [], sinceBytes: 0, catchUp: null }
      }
      bucket.take(1)
      this.largest = Math.max(this.largest, this.full.frame.byteLength)
      this.opts.send(conn, this.full.frame)
      if (this.full.since.length > 0) this.opts.send(conn, (this.full.catchUp ??= updateFrame(mergeInGroups(this.full.since))))
      return
    }
    const key = Buffer.from(stateVector).toString('base64')
    let frame = this.cache.get(key)
    if (!frame) {
      const waitBoard = this.boardBucket.msUntil(1)
      if (waitBoard > 0) return this.wait(conn, stateVector, waitBoard)
      this.boardBucket.take(1)
      frame = this.encode(stateVector)
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(key, frame)
    }
    bucket.take(1)
    this.largest = Math.max(this.largest, frame.byteLength)
    this.opts.send(conn, frame)
  }

  private wait(conn: C, stateVector: Uint8Array, ms: number): void {
    // Only a limit whose burst is under one token never refills; look again in a minute rather than never.
    const delay = Number.isFinite(ms) ? ms : 60_000
    const timer = setTimeout(() => {
      const waiting = this.waiting.get(conn)
      this.waiting.delete(conn)
      if (waiting && !this.destroyed) this.answer(conn, waiting.stateVector)
    }, delay)
    timer.unref()
    this.waiting.set(conn, { stateVector, timer })
  }

  /**
   * The state vector as far as this document can tell: clients it has never seen, and clocks past
   * what it holds, change nothing in the answer. So made-up state vectors (a flood) share the
   * answer of the empty one, one encoding per document version.
   */
  private canonical(stateVector: Uint8Array): Uint8Array {
    const known = new Map<number, number>()
    for (const [client, clock] of Y.decodeStateVector(stateVector)) {
      const have = Math.min(clock, Y.getState(this.opts.doc.store, client))
      if (have > 0) known.set(client, have)
    }
    return Y.encodeStateVector(known)
  }

  private encode(stateVector: Uint8Array): Uint8Array {
    this.opts.onEncode?.()
    return stateFrame(Y.encodeStateAsUpdate(this.opts.doc, stateVector))
  }

  /**
   * Every change of the document after the stored board, as the room hands it on (`BoardRoom` calls
   * this for each update it sends, rather than the document's 'update' event, which would make Yjs
   * encode every change).
   */
  noteUpdate(update: Uint8Array): void {
    if (this.destroyed) return
    this.cache.clear()
    const full = this.full
    if (!full) return
    full.since.push(update)
    full.sinceBytes += update.byteLength
    full.catchUp = null
    if (full.sinceBytes * 2 > full.frame.byteLength) this.full = null
  }
}
