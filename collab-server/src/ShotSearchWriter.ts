import { writeBoardsSearchShapes, type Sql, type TBoardSearchChanges, type TBoardSearchShape } from '@montage/db'
import { GroupCommit } from './GroupCommit'

/** What the writer's refresh tick calls: one board's index. */
export interface TRefreshable {
  refresh(): Promise<void>
}

/**
 * Group commit for the shot search rows of every board of one instance (`ShotSearchIndex` hands
 * it what changed of each board's shots): one transaction for all the boards asked while a batch is
 * written or (while several are busy) within 100 ms of its start, and what one board asks twice
 * meanwhile is written once, folded together. Five hundred boards being edited pay a few
 * transactions a second.
 *
 * It also keeps the instance's one clock for refreshes after stores (`refreshSoon`): the boards
 * that asked are refreshed together, at most once every `refreshIntervalMs` (default 2 s), so
 * their changes reach the group commit at once, where each board's own timer sent them one by one.
 */
export class ShotSearchWriter {
  private readonly commits: GroupCommit<TBoardSearchChanges>
  private readonly refreshIntervalMs: number
  /** Indexes waiting for the next refresh tick, and that tick's timer. */
  private readonly waiting = new Set<TRefreshable>()
  private tick: NodeJS.Timeout | null = null
  private lastTickAt = -Infinity

  constructor(db: Sql, opts: { maxBatch?: number; minIntervalMs?: number; refreshIntervalMs?: number } = {}) {
    this.refreshIntervalMs = opts.refreshIntervalMs ?? 2_000
    this.commits = new GroupCommit({
      write: async (boards) => void (await writeBoardsSearchShapes(db, boards)),
      key: (b) => b.boardId,
      merge: foldChanges,
      maxBatch: opts.maxBatch ?? 200,
      minIntervalMs: opts.minIntervalMs ?? 100,
    })
  }

  /** Resolves once these changes (folded with later ones of the same board) are written; rejects if that write failed. */
  write(changes: TBoardSearchChanges): Promise<void> {
    return this.commits.submit(changes)
  }

  /**
   * Refreshes `index` at the next tick: at once (the next turn) when no tick ran within the
   * interval, else once it has passed since the last. Asking again before then changes nothing.
   */
  refreshSoon(index: TRefreshable): void {
    this.waiting.add(index)
    if (this.tick) return
    const wait = Math.max(0, this.lastTickAt + this.refreshIntervalMs - performance.now())
    this.tick = setTimeout(this.refreshWaiting, wait)
    // A closing board writes what it put off itself (`takePutOff`); the tick alone keeps nothing running.
    this.tick.unref()
  }

  /** Takes `index` out of the next tick, if it waits for one: true when it did (it is to refresh now). */
  takePutOff(index: TRefreshable): boolean {
    return this.waiting.delete(index)
  }

  private readonly refreshWaiting = (): void => {
    this.tick = null
    this.lastTickAt = performance.now()
    const due = [...this.waiting]
    this.waiting.clear()
    for (const index of due) void index.refresh()
  }
}

/** One board's changes `earlier` then `later`, as one write. */
export function foldChanges(earlier: TBoardSearchChanges, later: TBoardSearchChanges): TBoardSearchChanges {
  if (later.replace) return later
  const shapes = new Map<string, TBoardSearchShape>(earlier.shapes.map((s) => [s.shapeId, s]))
  const removed = new Set(earlier.removed)
  for (const s of later.shapes) {
    shapes.set(s.shapeId, s)
    removed.delete(s.shapeId)
  }
  for (const id of later.removed) {
    shapes.delete(id)
    // A board replaced whole holds only its shapes: nothing to remove.
    if (!earlier.replace) removed.add(id)
  }
  return { boardId: earlier.boardId, replace: earlier.replace, shapes: [...shapes.values()], removed: [...removed] }
}
