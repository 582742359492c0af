import * as encoding from 'lib0/encoding'
import type { Awareness } from 'y-protocols/awareness'
import { readAwarenessEntries } from './decode-client-message'

/**
 * Presence states keep the JSON text they were read from (or written as), so each state is parsed
 * once where it enters the room and never stringified again for the frames it goes out in. With
 * y-protocols' own `applyAwarenessUpdate` and `encodeAwarenessUpdate`, every cursor move was parsed
 * three times and stringified at every flush, to every peer instance once more.
 *
 * The bytes and the awareness's behaviour are y-protocols' own: the same layout (count, then client
 * id, clock and JSON state each), the same clock rules, the same `change` and `update` events.
 */

/** One client's presence as the room applies it: its state, and that state's JSON text. */
export interface TPresenceEntry {
  clientId: number
  clock: number
  /** The parsed state; null removes the client's presence. */
  state: unknown
  /** `state` as JSON text (`'null'` for a removal). */
  json: string
}

/** The JSON text of each state object the room holds, for as long as the awareness holds it. */
const texts = new WeakMap<object, string>()

function textOf(state: unknown): string {
  return (typeof state === 'object' && state !== null && texts.get(state)) || JSON.stringify(state)
}

/** The entry of one client's state, its text remembered for the frames that carry it. */
export function presenceEntry(clientId: number, clock: number, state: unknown, json: string): TPresenceEntry {
  if (typeof state === 'object' && state !== null) texts.set(state, json)
  return { clientId, clock, state, json }
}

/** Reads an awareness update (from a peer instance): each state parsed once, its text kept. */
export function readPresenceUpdate(update: Uint8Array): TPresenceEntry[] {
  return readAwarenessEntries(update, Infinity).map((e) => presenceEntry(e.clientId, e.clock, e.value, e.state))
}

/**
 * Applies entries as `applyAwarenessUpdate` would apply their encoding: a newer clock wins (a
 * removal at the same clock too); the awareness's own state is never removed from outside (its
 * clock moves on instead); `change` reports what differs, `update` everything applied.
 */
export function applyPresence(awareness: Awareness, entries: TPresenceEntry[], origin: unknown): void {
  const now = Date.now()
  const added: number[] = []
  const updated: number[] = []
  const changed: number[] = []
  const removed: number[] = []
  for (const { clientId, state, json, clock: entryClock } of entries) {
    let clock = entryClock
    const meta = awareness.meta.get(clientId)
    const known = meta === undefined ? 0 : meta.clock
    if (!(known < clock || (known === clock && state === null && awareness.states.has(clientId)))) continue
    const previous = awareness.states.get(clientId)
    if (state === null) {
      if (clientId === awareness.clientID && awareness.getLocalState() != null) clock++
      else awareness.states.delete(clientId)
    } else {
      awareness.states.set(clientId, state as Record<string, unknown>)
    }
    awareness.meta.set(clientId, { clock, lastUpdated: now })
    if (meta === undefined && state !== null) added.push(clientId)
    else if (meta !== undefined && state === null) removed.push(clientId)
    else if (state !== null) {
      // Equal JSON texts are equal states (ours are written in one key order).
      if (previous === undefined || textOf(previous) !== json) changed.push(clientId)
      updated.push(clientId)
    }
  }
  if (added.length + changed.length + removed.length > 0) awareness.emit('change', [{ added, updated: changed, removed }, origin])
  if (added.length + updated.length + removed.length > 0) awareness.emit('update', [{ added, updated, removed }, origin])
}

/** The awareness update for `clients` (their current states, absent ones as removals), as `encodeAwarenessUpdate` writes it. */
export function encodePresence(awareness: Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, clients.length)
  for (const clientId of clients) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, awareness.meta.get(clientId)!.clock)
    encoding.writeVarString(encoder, textOf(awareness.states.get(clientId) ?? null))
  }
  return encoding.toUint8Array(encoder)
}
