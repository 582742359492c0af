import * as Y from 'yjs'
import type { TDecodedUpdate } from '@montage/board'

/**
 * What an update needs of a document before it can apply whole, as the least state (clock) per
 * client: read once when the update is held, so checking it again after each new frame costs a
 * few lookups instead of decoding it again. The same rule as `hasMissingDependencies`: each run
 * of structs must continue what the document (or the update itself) has, every origin, right
 * origin and parent must exist, and every deleted range must be known.
 */
export function updateDependencies({ structs, ds }: TDecodedUpdate): Map<number, number> {
  const needs = new Map<number, number>()
  const need = (client: number, state: number) => {
    if (state > (needs.get(client) ?? 0)) needs.set(client, state)
  }
  // How far the update's own structs reach per client (a skip is a gap, not something it brings).
  const reach = new Map<number, number>()
  for (const s of structs) {
    const { client, clock } = s.id
    const own = reach.get(client) ?? -1
    if (s instanceof Y.Skip) {
      if (own < clock + s.length) need(client, clock + s.length)
      continue
    }
    if (own < clock) need(client, clock)
    reach.set(client, Math.max(own, clock + s.length))
  }
  const exists = (id: Y.ID | null) => {
    if (id && (reach.get(id.client) ?? -1) <= id.clock) need(id.client, id.clock + 1)
  }
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    exists(s.origin)
    exists(s.rightOrigin)
    if (s.parent instanceof Y.ID) exists(s.parent)
  }
  for (const [client, ranges] of ds.clients) {
    const own = reach.get(client) ?? -1
    for (const { clock, len } of ranges) if (own < clock + len) need(client, clock + len)
  }
  return needs
}
