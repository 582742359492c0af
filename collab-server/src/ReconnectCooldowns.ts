export interface TReconnectCooldownOptions {
  /** The wait after a first close for misbehaviour; each further one within `forgetMs` doubles it. */
  baseMs: number
  maxMs: number
  /** A key with no strike for this long starts again from `baseMs`. */
  forgetMs: number
}

interface Entry {
  until: number
  strikes: number
  lastAt: number
}

/**
 * Who was just closed for misbehaving, and how long until they may connect again. A client that
 * floods, never reads or piles up updates is closed; without this it would reconnect at once and
 * cost an authorization, a load of presence and a sync answer each time, over and over. Keyed by
 * whatever identifies the caller before any work is done (the board and a hash of the token), so a
 * refused reconnect costs a map lookup.
 */
export class ReconnectCooldowns {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly opts: TReconnectCooldownOptions) {}

  /** Milliseconds before `key` may connect again; 0 when it may now. */
  remaining(key: string, now = Date.now()): number {
    const entry = this.entries.get(key)
    return entry ? Math.max(0, entry.until - now) : 0
  }

  /** A close for misbehaving: the next wait is longer each time, up to `maxMs`. A `fixedMs` strike (a refused change) does not escalate. */
  strike(key: string, fixedMs?: number, now = Date.now()): void {
    const entry = this.entries.get(key)
    const fresh = !entry || now - entry.lastAt > this.opts.forgetMs
    if (fixedMs !== undefined) {
      this.entries.set(key, { until: now + fixedMs, strikes: fresh ? 0 : entry!.strikes, lastAt: now })
      return
    }
    const strikes = fresh ? 1 : entry!.strikes + 1
    const wait = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** (strikes - 1))
    this.entries.set(key, { until: now + wait, strikes, lastAt: now })
  }

  /** Forgets keys whose wait is over and whose strikes have expired. */
  prune(now = Date.now()): void {
    for (const [key, entry] of this.entries) if (entry.until <= now && now - entry.lastAt > this.opts.forgetMs) this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}
