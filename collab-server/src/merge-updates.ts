import * as Y from 'yjs'

/**
 * How many updates one `Y.mergeUpdates` call is given at most. That call re-sorts its inputs for
 * every struct it writes, so its cost grows with the square of their number: 2,000 one-edit
 * updates (200 editors' ten seconds) take 120–200 ms in one call on two cores, a stall for every
 * socket of the instance. Merged sixteen at a time, then the results sixteen at a time, the same
 * bytes come out in about a third of the time.
 */
export const MERGE_FAN_IN = 16

export type TMergeUpdates = (updates: Uint8Array[]) => Uint8Array

/** The updates as one (as `Y.mergeUpdates` gives it), merged in groups of at most `MERGE_FAN_IN`. */
export function mergeInGroups(updates: readonly Uint8Array[], merge: TMergeUpdates = Y.mergeUpdates): Uint8Array {
  if (updates.length === 0) throw new Error('mergeInGroups needs at least one update')
  let pieces = updates
  while (pieces.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < pieces.length; i += MERGE_FAN_IN) {
      next.push(pieces.length - i === 1 ? pieces[i]! : merge(pieces.slice(i, i + MERGE_FAN_IN)))
    }
    pieces = next
  }
  return pieces[0]!
}

/**
 * Updates waiting to be taken as one (a board's store), merged while they come: each time sixteen
 * are queued they become one piece, each time sixteen pieces are queued they become one larger
 * piece, and so on. Taking them then merges a few dozen pieces, and no step in between is given
 * more than sixteen inputs, so a busy board's store no longer stalls the instance for the length
 * of one huge merge.
 */
export class UpdateQueue {
  /** `levels[i]` holds pieces of up to `MERGE_FAN_IN ** i` updates; a full level becomes one piece of the next. */
  private levels: Uint8Array[][] = [[]]
  private count = 0

  constructor(private readonly merge: TMergeUpdates = Y.mergeUpdates) {}

  /** Updates queued since the last take (a put-back batch counts as one). */
  get length(): number {
    return this.count
  }

  add(update: Uint8Array): void {
    this.count++
    this.levels[0]!.push(update)
    for (let i = 0; this.levels[i]!.length === MERGE_FAN_IN; i++) {
      const piece = this.merge(this.levels[i]!)
      this.levels[i] = []
      ;(this.levels[i + 1] ??= []).push(piece)
    }
  }

  /** Everything queued as one update, and the queue emptied; null when nothing is queued. */
  take(): Uint8Array | null {
    const pieces = this.levels.flat()
    this.levels = [[]]
    this.count = 0
    if (pieces.length === 0) return null
    return pieces.length === 1 ? pieces[0]! : mergeInGroups(pieces, this.merge)
  }
}
