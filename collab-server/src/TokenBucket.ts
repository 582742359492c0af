export interface TRateLimit {
  /** Sustained frames per second. */
  perSecond: number
  /** Frames allowed at once after a quiet spell. */
  burst: number
}

/**
 * Close code for a connection over its rate: RFC 6455's 1013 "try again later". Not a 44xx code:
 * clients treat those as final, while a client that was too fast should reconnect (backing off)
 * and resync; it loses nothing, its edits are in its document.
 */
export const RATE_LIMIT_CLOSE_CODE = 1013

/** A per-connection token bucket: refilled continuously, one token per frame. */
export class TokenBucket {
  private tokens: number
  private last = performance.now()

  constructor(private readonly limit: TRateLimit) {
    this.tokens = limit.burst
  }

  take(): boolean {
    const now = performance.now()
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
