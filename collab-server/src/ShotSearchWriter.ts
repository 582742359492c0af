import { replaceBoardsSearchShapes, type Sql, type TBoardSearchShape } from '@montage/db'
import { GroupCommit } from './GroupCommit'

/**
 * Group commit for the shot search rows of every board of one instance (`ShotSearchIndex` hands
 * it each board's shots when they changed): one transaction for all the boards asked while a batch
 * is written or (while several are busy) within 100 ms of its start, and a board asked twice meanwhile is written once,
 * with its latest shots. Five hundred boards being edited pay a few transactions a second.
 */
export class ShotSearchWriter {
  private readonly commits: GroupCommit<{ boardId: string; shapes: TBoardSearchShape[] }>

  constructor(db: Sql, opts: { maxBatch?: number; minIntervalMs?: number } = {}) {
    this.commits = new GroupCommit({
      write: async (boards) => void (await replaceBoardsSearchShapes(db, boards)),
      key: (b) => b.boardId,
      maxBatch: opts.maxBatch ?? 200,
      minIntervalMs: opts.minIntervalMs ?? 100,
    })
  }

  /** Resolves once these shots (or later ones of the same board) are written; rejects if that write failed. */
  write(boardId: string, shapes: TBoardSearchShape[]): Promise<void> {
    return this.commits.submit({ boardId, shapes })
  }
}
