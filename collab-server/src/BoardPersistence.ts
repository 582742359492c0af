import * as Y from 'yjs'
import { appendBoardUpdate, compactBoardUpdates, loadBoardUpdates, type Sql } from '@montage/db'
import type { BoardUpdateWriter } from './BoardUpdateWriter'
import { mergeInGroups, mergeInSteps } from './merge-updates'
import { errorFields, type TLogger } from './logger'

export interface TPersistenceOptions {
  /** Quiet time after the last update before a store (the server's default 0.4 s; Hocuspocus's 2 s). */
  debounceMs: number
  /** Upper bound from the first pending update to its store, however busy the board (the server's default 2 s; Hocuspocus's 10 s). */
  maxDebounceMs: number
  /** Fold the board's log into its snapshot once it holds this many rows. */
  compactAfterRows: number
}

export interface BoardPersistenceOptions {
  boardId: string
  db: Sql
  logger: TLogger
  persistence: TPersistenceOptions
  /** Shared group-commit writer; without one the board appends on its own. */
  writer?: BoardUpdateWriter
  /** Called after a debounced store succeeded: the room may have become unloadable. */
  onStored: () => void
}

/**
 * One board's storage: what it reads at load, and the updates it has not stored yet. Updates are
 * queued and appended to the board's log as one row (merged in steps of 64, `mergeInSteps`) after
 * a quiet time (at most `maxDebounceMs` after the first one), one store at a time; a failed store
 * keeps its batch first in the queue and is retried with a growing delay; a log that grew long is
 * folded into the snapshot.
 */
export class BoardPersistence {
  private readonly opts: BoardPersistenceOptions
  private pending: Uint8Array[] = []
  private firstPendingAt: number | null = null
  private storeTimer: NodeJS.Timeout | null = null
  /** When the pending updates are to be stored (Date.now() time), and when the armed timer fires. */
  private storeDue = 0
  private timerDue = 0
  /** Promise chain that serialises stores: two appends of one board never overlap. */
  private storeChain: Promise<void> = Promise.resolve()
  private storing = false
  private failedStores = 0
  /** Log rows we know of (loaded + appended since); compaction checks the real count under its lock. */
  private logRows = 0
  private destroyed = false

  constructor(opts: BoardPersistenceOptions) {
    this.opts = opts
  }

  /** The stored board (snapshot + log) as one update, or null for a board never written. */
  async load(): Promise<Uint8Array | null> {
    const updates = await loadBoardUpdates(this.opts.db, this.opts.boardId)
    this.logRows = updates.length
    if (updates.length === 0) return null
    return mergeInGroups(updates)
  }

  /** Nothing waits to be stored, nothing is being stored, and the last store did not fail. */
  isSettled(): boolean {
    return this.pending.length === 0 && !this.storing && this.failedStores === 0
  }

  /** Queues a turn's updates for the next store (one row). */
  enqueue(updates: readonly Uint8Array[]): void {
    const { debounceMs, maxDebounceMs } = this.opts.persistence
    for (const update of updates) this.pending.push(update)
    const now = Date.now()
    this.firstPendingAt ??= now
    this.storeDue = Math.min(now + debounceMs, this.firstPendingAt + maxDebounceMs)
    // The armed timer, once it fires, waits out what is left: a busy board's updates move the due
    // time without a clearTimeout and a setTimeout each (500 boards edited once a second spent
    // about 1 % of the instance's main thread on that).
    if (!this.storeTimer || this.storeDue < this.timerDue) this.armStoreTimer()
  }

  /** Stores every pending update now (after any store in progress). Rejects when the store fails. */
  flush(): Promise<void> {
    this.clearStoreTimer()
    const run = this.storeChain.then(() => this.store())
    this.storeChain = run.catch(() => {})
    return run
  }

  /** Stops scheduling stores; `flush()` still writes what is pending (shutdown flushes before it destroys). */
  destroy(): void {
    this.destroyed = true
    this.clearStoreTimer()
  }

  private scheduleStore(delayMs: number): void {
    this.storeDue = Date.now() + delayMs
    this.armStoreTimer()
  }

  /** Stores at `storeDue`: a timer that fires earlier (the due time moved since) waits for the rest. */
  private armStoreTimer(): void {
    this.clearStoreTimer()
    const now = Date.now()
    const delayMs = Math.max(0, this.storeDue - now)
    this.timerDue = now + delayMs
    this.storeTimer = setTimeout(() => {
      this.storeTimer = null
      if (this.storeDue > Date.now()) return this.armStoreTimer()
      this.flush().then(
        () => {
          if (!this.destroyed) this.opts.onStored()
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
    const { boardId, db, writer, logger, persistence } = this.opts
    const batch = this.pending
    const firstPendingAt = this.firstPendingAt
    this.pending = []
    this.firstPendingAt = null
    this.storing = true
    let update: Uint8Array | null = null
    try {
      update = await mergeInSteps(batch)
      if (writer) await writer.append(boardId, update)
      else await appendBoardUpdate(db, { boardId, update })
      this.logRows++
      this.failedStores = 0
    } catch (e) {
      // Keep the batch ahead of anything that arrived meanwhile, and try again later.
      this.pending = (update ? [update] : batch).concat(this.pending)
      this.firstPendingAt = Math.min(firstPendingAt ?? Date.now(), this.firstPendingAt ?? Date.now())
      this.failedStores++
      const retryMs = Math.min(persistence.maxDebounceMs, persistence.debounceMs * 2 ** (this.failedStores - 1))
      logger.error('storing board update failed; will retry', { boardId, retryMs, failedStores: this.failedStores, ...errorFields(e) })
      if (!this.destroyed) this.scheduleStore(retryMs)
      throw e
    } finally {
      this.storing = false
    }
    if (this.logRows >= persistence.compactAfterRows) await this.compact()
  }

  /** Folds the log into the snapshot; a failure only means a longer log until the next try. */
  private async compact(): Promise<void> {
    const { boardId, db, logger, persistence } = this.opts
    this.storing = true
    try {
      await compactBoardUpdates(db, { boardId, merge: mergeIntoSnapshot, minRows: persistence.compactAfterRows })
      this.logRows = 0
    } catch (e) {
      logger.warn('compacting board updates failed', { boardId, ...errorFields(e) })
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
