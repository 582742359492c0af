import * as Y from 'yjs'
import type { TDecodedUpdate } from '@montage/board'

/**
 * A client's update about to be applied whose own bytes may stand for the change it makes, so the
 * room sends, relays and stores them as they came instead of having Yjs encode the change again.
 */
export interface TForwardable {
  update: Uint8Array
  origin: unknown
  /** Per client, where its history ends once the update's structs are in. */
  ends: Map<number, number>
  /** Deleted units the update carries (its delete set's lengths summed). */
  deletes: number
}

/**
 * Before the update is applied: whether each client's structs in it continue that client's history
 * exactly where the document's stops (none of them known yet, no gap, no skipped range). Then, if
 * the transaction makes all of them and every deletion takes effect (`madeExactly`), the update's
 * bytes are the change itself. Null when they cannot be.
 */
export function forwardableUpdate(doc: Y.Doc, update: Uint8Array, decoded: TDecodedUpdate, origin: unknown): TForwardable | null {
  const ends = new Map<number, number>()
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return null
    const { client, clock } = struct.id
    const end = ends.get(client) ?? Y.getState(doc.store, client)
    if (clock !== end) return null
    ends.set(client, end + struct.length)
  }
  let deletes = 0
  for (const ranges of decoded.ds.clients.values()) for (const range of ranges) deletes += range.len
  return { update, origin, ends, deletes }
}

/**
 * In the transaction's cleanup: it came from the update (same origin), it extended exactly the
 * histories the update's structs extend, to their ends (none was left pending), and it deleted at
 * least as many units as the update names. Yjs would then encode the same structs and, but for
 * ranges that were deleted already (possible only where structs landed in deleted parents and made
 * up the count), the same deletions: the update's bytes can be handed on instead. Bytes handed on
 * make, wherever they are applied, the change they made here. A transaction that changed nothing
 * is never handed on (Yjs sends nothing for it either).
 */
export function madeExactly(transaction: Y.Transaction, forwardable: TForwardable): boolean {
  if (transaction.origin !== forwardable.origin) return false
  let extended = 0
  for (const [client, clock] of transaction.afterState) {
    if (clock === (transaction.beforeState.get(client) ?? 0)) continue
    if (forwardable.ends.get(client) !== clock) return false
    extended++
  }
  if (extended !== forwardable.ends.size) return false
  let deleted = 0
  for (const ranges of transaction.deleteSet.clients.values()) for (const range of ranges) deleted += range.len
  return (extended > 0 || deleted > 0) && deleted >= forwardable.deletes
}
