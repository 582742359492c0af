/**
 * At most `limit` holders at once; the rest wait their turn in order. Embedding Content
 * Credentials holds a whole file and its signed copy in memory (up to 512 MiB each), so a web
 * process signs a bounded number of files at a time however many downloads arrive together.
 */
export class ConcurrencyGate {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await fn()
    } finally {
      const next = this.waiting.shift()
      // The slot passes straight to the next waiter; only when nobody waits does it free up.
      if (next) next()
      else this.active--
    }
  }
}
