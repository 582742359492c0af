import { appendBoardUpdates, type Sql } from '@montage/db'
import { GroupCommit } from './GroupCommit'

/**
 * Group commit for the update log of every board of one instance (`GroupCommit`): appends that
 * arrive while a batch is being written, or (while several boards are busy) within 50 ms of the
 * last batch's start, go out together in the next one. A board alone pays one round trip as
 * before; five hundred busy boards pay a few transactions a second instead of hundreds.
 */
export class BoardUpdateWriter {
  private readonly commits: GroupCommit<{ boardId: string; update: Uint8Array }>

  constructor(db: Sql, opts: { maxBatch?: number; minIntervalMs?: number } = {}) {
    this.commits = new GroupCommit({ write: (entries) => appendBoardUpdates(db, entries), maxBatch: opts.maxBatch ?? 500, minIntervalMs: opts.minIntervalMs ?? 50 })
  }

  /** Rejects when the batch failed: the room keeps its update and retries on its own schedule. */
  append(boardId: string, update: Uint8Array): Promise<void> {
    return this.commits.submit({ boardId, update })
  }
}
