interface Queued<T> {
  item: T
  waiters: { resolve: () => void; reject: (e: unknown) => void }[]
}

export interface TGroupCommitOptions<T> {
  /** Writes one batch (one transaction); a rejection fails every item of the batch. */
  write: (items: T[]) => Promise<void>
  /** Items of one key queued together are written once: the later replaces the earlier (or `merge` folds them). Without it every item is written. */
  key?: (item: T) => string
  /** What one write of two queued items of a key must do: the earlier followed by the later. */
  merge?: (earlier: T, later: T) => T
  maxBatch: number
  /**
   * Least time between the starts of two batches once a batch held several items (several
   * writers are busy): what comes meanwhile is gathered, so hundreds of boards stored a second
   * cost a few transactions, not one each (waiting only for the write in flight gathers little
   * on a fast database). A writer whose last batch held one item writes at once (the next turn):
   * a lone busy board is not held back.
   */
  minIntervalMs: number
}

/**
 * Group commit: items submitted while a batch is written, or while the writer waits out its
 * interval, go out together in the next batch. Batches run one at a time, in submission order.
 */
export class GroupCommit<T> {
  /** Keyed items under their key; items without a key under a number of their own (`unkeyed`). */
  private readonly queue = new Map<string | number, Queued<T>>()
  private unkeyed = 0
  private writing = false
  private lastStart = -Infinity
  private lastSize = 0

  constructor(private readonly opts: TGroupCommitOptions<T>) {}

  /** Resolves once the item (or a later one of its key) is written; rejects when that batch failed. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      const key = this.opts.key ? this.opts.key(item) : this.unkeyed++
      const queued = this.queue.get(key)
      if (queued) queued.item = this.opts.merge ? this.opts.merge(queued.item, item) : item
      else this.queue.set(key, { item, waiters: [] })
      this.queue.get(key)!.waiters.push({ resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    while (this.queue.size > 0) {
      // Let what is submitted in the same turn (or, when busy, the same interval) join the batch.
      const wait = this.lastSize > 1 ? this.lastStart + this.opts.minIntervalMs - performance.now() : 0
      await new Promise((r) => (wait > 0 ? setTimeout(r, wait) : setImmediate(r)))
      this.lastStart = performance.now()
      const batch: Queued<T>[] = []
      for (const [key, queued] of this.queue) {
        if (batch.length === this.opts.maxBatch) break
        this.queue.delete(key)
        batch.push(queued)
      }
      this.lastSize = batch.length
      try {
        await this.opts.write(batch.map((q) => q.item))
        for (const q of batch) for (const w of q.waiters) w.resolve()
      } catch (e) {
        for (const q of batch) for (const w of q.waiters) w.reject(e)
      }
    }
    this.writing = false
  }
}
