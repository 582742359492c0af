import { setImmediate as nextTurn } from 'node:timers/promises'
import * as Y from 'yjs'

/**
 * How many updates one `Y.mergeUpdates` call is given at most. That call re-sorts its inputs for
 * every struct it writes, so its cost grows with the square of their number: 12,000 updates (a
 * busy board's minute while the database is down) would hold the event loop for seconds in one
 * call. Merged 64 at a time, then the results 64 at a time, the cost stays about linear, while
 * each level reads and writes the content again: with realistic records, 2,000 one-edit updates
 * of 200 editors cost 66 ms this way against 77 ms in one call, and at most 64 (two seconds of a
 * 200-editor board, what a store gathers by default) cost exactly one call.
 */
export const MERGE_FAN_IN = 64

export type TMergeUpdates = (updates: Uint8Array[]) => Uint8Array

/** The merges of `mergeInGroups`, one step (one `merge` call) at a time: it yields between two merges. */
function* groupMerges(updates: readonly Uint8Array[], merge: TMergeUpdates): Generator<void, Uint8Array> {
  if (updates.length === 0) throw new Error('merging updates needs at least one update')
  let pieces = updates
  let merged = false
  while (pieces.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < pieces.length; i += MERGE_FAN_IN) {
      if (pieces.length - i === 1) next.push(pieces[i]!)
      else {
        if (merged) yield
        next.push(merge(pieces.slice(i, i + MERGE_FAN_IN)))
        merged = true
      }
    }
    pieces = next
  }
  return pieces[0]!
}

/** The updates as one (as `Y.mergeUpdates` gives it), merged in groups of at most `MERGE_FAN_IN`. */
export function mergeInGroups(updates: readonly Uint8Array[], merge: TMergeUpdates = Y.mergeUpdates): Uint8Array {
  const steps = groupMerges(updates, merge)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * `mergeInGroups`, letting the event loop run between its steps: what a store of a long backlog
 * merges does not hold every socket of the instance for the whole merge. Up to `MERGE_FAN_IN`
 * updates are one step, merged at once with no turn given up.
 */
export async function mergeInSteps(updates: readonly Uint8Array[], merge: TMergeUpdates = Y.mergeUpdates): Promise<Uint8Array> {
  const steps = groupMerges(updates, merge)
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value
    await nextTurn()
  }
}
