export interface TRateLimit {
  /** Sustained units (frames, bytes, encodes) per second. */
  perSecond: number
  /** Units allowed at once after a quiet spell. */
  burst: number
}

/**
 * Close code for a connection over its rate: RFC 6455's 1013 "try again later". Not a 44xx code:
 * clients treat those as final, while a client that was too fast should reconnect (backing off)
 * and resync; it loses nothing, its edits are in its document.
 */
export const RATE_LIMIT_CLOSE_CODE = 1013

/** A token bucket: refilled continuously, `cost` tokens per use (one per frame, or per byte). */
export class TokenBucket {
  private tokens: number
  private last = performance.now()

  constructor(private readonly limit: TRateLimit) {
    this.tokens = limit.burst
  }

  take(cost = 1): boolean {
    this.refill()
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }

  /** How long until `cost` tokens are there (0: now); never for a cost over the burst. */
  msUntil(cost = 1): number {
    this.refill()
    if (this.tokens >= cost) return 0
    if (cost > this.limit.burst || this.limit.perSecond <= 0) return Infinity
    return Math.ceil(((cost - this.tokens) / this.limit.perSecond) * 1000)
  }

  private refill(): void {
    const now = performance.now()
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond)
    this.last = now
  }
}
