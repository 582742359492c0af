import * as Y from 'yjs'

/**
 * Whether an update refers to changes `doc` does not have: a struct that starts past what we
 * know of its client, an item whose neighbours or parent we lack, or a deletion of a range we
 * never saw. Yjs would keep such parts pending inside the document and apply them whenever the
 * missing piece arrives, so a corrupt frame could alter the board later; we hold such an update
 * back instead (see BoardRoom) and apply it only once it is complete.
 *
 * This is the rule as written once per check; the room uses `updateDependencies`, which reads a
 * held update once and is tested to decide exactly as this does.
 */
export function hasMissingDependencies(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update)
  const known = new Map<number, number>()
  const stateOf = (client: number) => known.get(client) ?? Y.getState(doc.store, client)

  // Structs come grouped by client, in clock order: each run must continue what we have.
  for (const s of structs) {
    const { client, clock } = s.id
    const have = stateOf(client)
    if (s instanceof Y.Skip) {
      if (clock + s.length > have) return true
      continue
    }
    if (clock > have) return true
    known.set(client, Math.max(have, clock + s.length))
  }
  const has = (id: Y.ID | null) => id === null || id.clock < stateOf(id.client)
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    if (!has(s.origin) || !has(s.rightOrigin)) return true
    if (s.parent instanceof Y.ID && !has(s.parent)) return true
  }
  for (const [client, items] of ds.clients) {
    const have = stateOf(client)
    for (const { clock, len } of items) if (clock + len > have) return true
  }
  return false
}
