import type { Sql } from '@montage/db'
import { DEFAULT_BOARD_WRITE_LIMITS } from '@montage/board'
import { BoardRoom, DEFAULT_ANTI_ENTROPY_MS, type TBoardLimits, type TCrowdPacing } from './BoardRoom'
import type { TConnectionLimits } from './BoardConnection'
import type { TPersistenceOptions } from './BoardPersistence'
import type { BoardRelay } from './BoardRelay'
import type { BoardUpdateWriter } from './BoardUpdateWriter'
import type { ShotSearchWriter } from './ShotSearchWriter'
import { errorFields, type TLogger } from './logger'
import { reconcileVariations } from './reconcile-variations'
import type { TCollabMetricsSink, TCollabStats } from './collab-stats'

export const DEFAULT_COMPACT_AFTER_ROWS = 100
const MiB = 1024 * 1024
export const DEFAULT_CONNECTION_LIMITS: TConnectionLimits = {
  // A person dragging sends ~60 updates and ~60 presence frames a second; bursts cover a paste.
  rate: { perSecond: 400, burst: 2_000 },
  // Edits are small; a burst covers a large paste or an offline client's catch-up (a single frame
  // larger than the burst still passes on a full allowance).
  inboundBytes: { perSecond: 512 * 1024, burst: 4 * MiB },
  maxHeldUpdates: 256,
  // Above the largest frame (10 MiB), so one held paste never closes a connection by itself.
  maxHeldBytes: 16 * MiB,
  // Beyond one copy of the board: over half a minute of a busy board's edits for a slow link.
  maxQueuedBytes: 2 * MiB,
  // A cursor, a selection of a few thousand shapes; the rate is a few times a moving cursor's.
  presence: { maxEntryBytes: 64 * 1024, rate: { perSecond: 64 * 1024, burst: 256 * 1024 } },
  // An honest client asks once per connection (a few tabs, a reconnect now and then); a reconnect
  // storm of a whole board mostly shares answers.
  syncAnswers: { perPerson: { perSecond: 0.5, burst: 5 }, perBoard: { perSecond: 10, burst: 30 } },
}

export interface BoardRoomsOptions {
  db: Sql
  logger: TLogger
  persistence: Omit<TPersistenceOptions, 'compactAfterRows'> & Partial<Pick<TPersistenceOptions, 'compactAfterRows'>>
  limits?: Partial<TConnectionLimits>
  boardLimits?: TBoardLimits
  relay?: BoardRelay
  antiEntropyMs?: number
  crowd?: TCrowdPacing
  writer?: BoardUpdateWriter
  /** Shared group-commit writer of the boards' shot search rows; without one each room writes its own. */
  searchWriter?: ShotSearchWriter
  /** How long an idle, fully stored room stays loaded, so a reload or a burst of commands reuses it. */
  lingerMs: number
  /** How long a silent job keeps its progress bar. */
  jobIdleMs?: number
  /** How often an open board's unfinished variations are checked against the generations table (and once at load); 0 turns it off. */
  reconcileIntervalMs?: number
  stats?: TCollabStats
  metrics?: TCollabMetricsSink
}

interface Entry {
  room: BoardRoom
  /** One load per room, shared by every concurrent first joiner. */
  ready: Promise<void>
  lingerTimer: NodeJS.Timeout | null
  reconcileTimer: NodeJS.Timeout | null
  reconciling: boolean
  /** Which of the anti-entropy interval's ticks announces this room. */
  slice: number
}

/**
 * The anti-entropy interval is cut into this many ticks, each announcing the rooms of one slice:
 * with 500 boards open, one tick for all of them held the event loop 7–9 ms.
 */
const ANTI_ENTROPY_SLICES = 10

/** The loaded rooms of one server instance: loads on first use, unloads when idle and stored. */
export class BoardRooms {
  private readonly entries = new Map<string, Entry>()
  private closing = false
  /**
   * The anti-entropy ticks of every room (`BoardRoom.announceState`), when rooms relay: one timer
   * per instance, each room announced once per interval, a slice of the rooms per tick (the
   * announcements of a tick leave in one write).
   */
  private readonly antiEntropyTimer: NodeJS.Timeout | null = null
  private antiEntropyTick = 0
  private roomsCreated = 0

  constructor(private readonly opts: BoardRoomsOptions) {
    if (opts.relay) {
      this.antiEntropyTimer = setInterval(() => {
        const slice = this.antiEntropyTick++ % ANTI_ENTROPY_SLICES
        for (const entry of this.entries.values()) if (entry.slice === slice) entry.room.announceState()
      }, (opts.antiEntropyMs ?? DEFAULT_ANTI_ENTROPY_MS) / ANTI_ENTROPY_SLICES)
      this.antiEntropyTimer.unref()
    }
  }

  has(boardId: string): boolean {
    return this.entries.has(boardId)
  }

  /** The loaded room, if any, without taking a hold. */
  peek(boardId: string): BoardRoom | undefined {
    return this.entries.get(boardId)?.room
  }

  boardIds(): string[] {
    return [...this.entries.keys()]
  }

  /** The loaded room with one hold taken for the caller, who must `release()` it (or hand it to a connection). */
  async acquire(boardId: string): Promise<BoardRoom> {
    if (this.closing) throw new Error('The collab server is shutting down.')
    let entry = this.entries.get(boardId)
    if (!entry) {
      const room = new BoardRoom({
        boardId,
        db: this.opts.db,
        logger: this.opts.logger,
        persistence: { compactAfterRows: DEFAULT_COMPACT_AFTER_ROWS, ...this.opts.persistence },
        limits: { ...DEFAULT_CONNECTION_LIMITS, ...this.opts.limits },
        boardLimits: this.opts.boardLimits ?? DEFAULT_BOARD_WRITE_LIMITS,
        stats: this.opts.stats,
        metrics: this.opts.metrics,
        relay: this.opts.relay,
        antiEntropyMs: this.opts.antiEntropyMs,
        crowd: this.opts.crowd,
        writer: this.opts.writer,
        searchWriter: this.opts.searchWriter,
        jobIdleMs: this.opts.jobIdleMs,
        onIdle: (r) => this.onIdle(r),
      })
      const created: Entry = { room, ready: Promise.resolve(), lingerTimer: null, reconcileTimer: null, reconciling: false, slice: this.roomsCreated++ % ANTI_ENTROPY_SLICES }
      // The first joiners see the board after a publish lost while it was closed has been made good.
      // A board whose stored bytes cannot show an unfinished variation is served as stored at
      // once (its first client gets the stored bytes while the room builds its document).
      created.ready = room.load().then(() => {
        if (room.mayHoldUnfinishedVariations()) {
          room.warm()
          return this.startReconciling(created)
        }
        return this.startReconciling(created, false)
      })
      created.ready.catch((e) => {
        this.opts.logger.error('loading board failed', { boardId, ...errorFields(e) })
        if (this.entries.get(boardId) === created) this.entries.delete(boardId)
        this.drop(created)
      })
      this.entries.set(boardId, created)
      entry = created
    }
    if (entry.lingerTimer) clearTimeout(entry.lingerTimer)
    entry.lingerTimer = null
    entry.room.retain()
    // A failed load destroys the room; its holds die with it, so nothing to release here.
    await entry.ready
    return entry.room
  }

  /** Flushes and drops every room. Stores are retried a few times: this is the last chance. */
  async closeAll(): Promise<void> {
    this.closing = true
    if (this.antiEntropyTimer) clearInterval(this.antiEntropyTimer)
    const entries = [...this.entries.values()]
    this.entries.clear()
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.lingerTimer) clearTimeout(entry.lingerTimer)
        if (entry.reconcileTimer) clearInterval(entry.reconcileTimer)
        try {
          await entry.ready
        } catch {
          return
        }
        for (let attempt = 1; ; attempt++) {
          try {
            await entry.room.flush()
            break
          } catch (e) {
            if (attempt >= 3) {
              this.opts.logger.error('board updates lost at shutdown', { boardId: entry.room.boardId, ...errorFields(e) })
              break
            }
            await new Promise((r) => setTimeout(r, 200 * attempt))
          }
        }
        this.drop(entry)
      }),
    )
  }

  /** `now`: reconcile once before the interval starts (false when nothing stored can need it). */
  private async startReconciling(entry: Entry, now = true): Promise<void> {
    const intervalMs = this.opts.reconcileIntervalMs ?? 0
    if (intervalMs <= 0) return
    if (now) await this.reconcile(entry)
    if (this.closing) return
    entry.reconcileTimer = setInterval(() => {
      if (this.entries.get(entry.room.boardId) !== entry || entry.reconciling) return
      entry.room.retain()
      void this.reconcile(entry).finally(() => entry.room.release())
    }, intervalMs)
    entry.reconcileTimer.unref()
  }

  /** Never fails the caller: a board whose reconciliation cannot run now is still served. */
  private async reconcile(entry: Entry): Promise<void> {
    entry.reconciling = true
    entry.room.warm()
    try {
      await reconcileVariations({ db: this.opts.db, room: entry.room, logger: this.opts.logger })
    } catch (e) {
      this.opts.logger.warn('reconciling variations with the generations table failed', { boardId: entry.room.boardId, ...errorFields(e) })
    } finally {
      entry.reconciling = false
    }
  }

  private drop(entry: Entry): void {
    if (entry.reconcileTimer) clearInterval(entry.reconcileTimer)
    entry.reconcileTimer = null
    entry.room.destroy()
  }

  private onIdle(room: BoardRoom): void {
    const entry = this.entries.get(room.boardId)
    if (!entry || entry.room !== room || entry.lingerTimer || this.closing) return
    room.flush().then(
      () => {
        if (this.entries.get(room.boardId) !== entry || entry.lingerTimer || !room.isUnloadable()) return
        entry.lingerTimer = setTimeout(() => {
          entry.lingerTimer = null
          if (this.entries.get(room.boardId) !== entry || !room.isUnloadable()) return
          this.entries.delete(room.boardId)
          this.drop(entry)
        }, this.opts.lingerMs)
      },
      // The room keeps its update and retries; a later successful store calls onIdle again.
      () => {},
    )
  }
}
