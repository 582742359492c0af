/** Counters of what the server's limits did, per server instance (tests and the load bench read them). */
export interface TCollabStats {
  /** Encodings of a board's state to answer a sync step 1 (shared answers not counted). */
  stateEncodes: number
  /** Newcomers sent the stored board as read, before the room built its document (`answerCold`). */
  coldAnswers: number
  /** Connections closed because they did not read what was queued for them. */
  slowReadersClosed: number
  /** Connections closed because their held updates passed the byte limit. */
  heldBytesClosed: number
  /** Presence frames dropped for their size or rate. */
  presenceDropped: number
  /** Client updates sent on, relayed and stored as their own bytes (not encoded again: `madeExactly`). */
  forwardedUpdates: number
}

/**
 * Where the server reports what its metrics show (`createCollabMetrics` of `@montage/runtime` in
 * main.ts); absent, nothing is reported.
 */
export interface TCollabMetricsSink {
  connectionOpened(): void
  connectionClosed(): void
  /** Seconds from a client update's receipt to its being applied (and so sent to the other clients and queued for storage). */
  updateApplied(seconds: number): void
}

export function createCollabStats(): TCollabStats {
  return { stateEncodes: 0, coldAnswers: 0, slowReadersClosed: 0, heldBytesClosed: 0, presenceDropped: 0, forwardedUpdates: 0 }
}
