import { appendBoardUpdates, type Sql } from '@montage/db'

interface Pending {
  boardId: string
  update: Uint8Array
  resolve: () => void
  reject: (e: unknown) => void
}

/**
 * Group commit for the update log of every board of one instance: appends that arrive while a
 * batch is being written go out together in the next one. A board alone pays one round trip as
 * before; five hundred busy boards pay a few transactions a second instead of hundreds.
 */
export class BoardUpdateWriter {
  private queue: Pending[] = []
  private writing = false

  constructor(
    private readonly db: Sql,
    private readonly maxBatch = 500,
  ) {}

  append(boardId: string, update: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ boardId, update, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    // Let appends scheduled in the same tick join the first batch.
    await new Promise((r) => setImmediate(r))
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch)
      try {
        await appendBoardUpdates(this.db, batch)
        for (const p of batch) p.resolve()
      } catch (e) {
        // Each room keeps its update and retries on its own schedule.
        for (const p of batch) p.reject(e)
      }
    }
    this.writing = false
  }
}
