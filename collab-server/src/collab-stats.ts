/** Counters of what the server's limits did, per server instance (tests and the load bench read them). */
export interface TCollabStats {
  /** Encodings of a board's state to answer a sync step 1 (shared answers not counted). */
  stateEncodes: number
  /** Connections closed because they did not read what was queued for them. */
  slowReadersClosed: number
  /** Connections closed because their held updates passed the byte limit. */
  heldBytesClosed: number
  /** Presence frames dropped for their size or rate. */
  presenceDropped: number
}

export function createCollabStats(): TCollabStats {
  return { stateEncodes: 0, slowReadersClosed: 0, heldBytesClosed: 0, presenceDropped: 0 }
}
