import { writeBoardsSearchShapes, type Sql, type TBoardSearchChanges, type TBoardSearchShape } from '@montage/db'
import { GroupCommit } from './GroupCommit'

/**
 * Group commit for the shot search rows of every board of one instance (`ShotSearchIndex` hands
 * it what changed of each board's shots): one transaction for all the boards asked while a batch is
 * written or (while several are busy) within 100 ms of its start, and what one board asks twice
 * meanwhile is written once, folded together. Five hundred boards being edited pay a few
 * transactions a second.
 */
export class ShotSearchWriter {
  private readonly commits: GroupCommit<TBoardSearchChanges>

  constructor(db: Sql, opts: { maxBatch?: number; minIntervalMs?: number } = {}) {
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
