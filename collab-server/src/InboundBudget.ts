import { TokenBucket, type TRateLimit } from './TokenBucket'

export interface TInboundLimits {
  /** Frames per second a person may send to one board on average, and in one burst. */
  rate: TRateLimit
  /** The same in bytes: what the server must unmask and decode is bounded, not only how many frames. */
  bytes: TRateLimit
}

/**
 * What one person may send to one board, over all their connections to it: a client closed for
 * going over does not come back with a full allowance by reconnecting. Refilled continuously.
 */
export class InboundBudget {
  private readonly frames: TokenBucket
  private readonly bytes: TokenBucket

  constructor(private readonly limits: TInboundLimits) {
    this.frames = new TokenBucket(limits.rate)
    this.bytes = new TokenBucket(limits.bytes)
  }

  /** Null when the frame may be read; otherwise why the connection is closed. */
  admit(frameBytes: number): string | null {
    if (!this.frames.take()) return 'Too many messages: slow down and reconnect.'
    // A frame larger than the burst (a misconfiguration) passes on a full bucket rather than never.
    if (!this.bytes.take(Math.min(frameBytes, this.limits.bytes.burst))) return 'Too much data: slow down and reconnect.'
    return null
  }
}
