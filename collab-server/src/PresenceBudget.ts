import type { TAwarenessEntry } from './decode-client-message'
import { TokenBucket, type TRateLimit } from './TokenBucket'

export interface TPresenceLimits {
  /** Largest presence state of one client (its JSON, in bytes). */
  maxEntryBytes: number
  /** Presence bytes per second a connection may publish for its own client ids, on average and in one burst. */
  rate: TRateLimit
}

/**
 * One connection's allowance for presence. Every presence change is sent to every connection of
 * the board, so its size and rate decide what one client costs everyone: an entry over the size
 * limit, or a connection over its rate, has its frame dropped (not applied, not echoed, not
 * relayed). Entries for other people's client ids are not charged: y-websocket clients echo every
 * change they receive, and the room drops those anyway.
 */
export class PresenceBudget {
  private readonly bucket: TokenBucket

  constructor(private readonly limits: TPresenceLimits) {
    this.bucket = new TokenBucket(limits.rate)
  }

  /** Null when the frame may go on; otherwise why it is dropped. */
  admit(entries: readonly TAwarenessEntry[], isOwn: (clientId: number) => boolean): string | null {
    let own = 0
    for (const entry of entries) {
      // Measured before anything parses it further: a state longer than the limit in UTF-16 units is too long in bytes.
      const bytes = entry.state.length > this.limits.maxEntryBytes ? entry.state.length : Buffer.byteLength(entry.state)
      if (bytes > this.limits.maxEntryBytes) return `a presence state of ${bytes} bytes is over the ${this.limits.maxEntryBytes}-byte limit`
      if (isOwn(entry.clientId)) own += bytes
    }
    // A state larger than the burst is let through when the bucket is full, not never.
    if (own > 0 && !this.bucket.take(Math.min(own, this.limits.rate.burst))) return `presence over ${this.limits.rate.perSecond} bytes/s`
    return null
  }
}
