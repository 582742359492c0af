import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { applyPresence, encodePresence, presenceEntry, readPresenceUpdate, type TPresenceEntry } from '../src/presence-states'

type TEvent = [string, { added: number[]; updated: number[]; removed: number[] }, unknown]

/** An awareness that records its events, with no state of its own (as the room's starts). */
function recorded(): { awareness: awarenessProtocol.Awareness; events: TEvent[] } {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  awareness.setLocalState(null)
  const events: TEvent[] = []
  awareness.on('change', (e: TEvent[1], origin: unknown) => events.push(['change', e, origin]))
  awareness.on('update', (e: TEvent[1], origin: unknown) => events.push(['update', e, origin]))
  return { awareness, events }
}

const entry = (clientId: number, clock: number, state: unknown): TPresenceEntry => presenceEntry(clientId, clock, state, JSON.stringify(state))

/** The same entries through y-protocols (encoded, then `applyAwarenessUpdate`) and through `applyPresence`. */
function both(steps: TPresenceEntry[][]) {
  const theirs = recorded()
  const ours = recorded()
  for (const step of steps) {
    awarenessProtocol.applyAwarenessUpdate(theirs.awareness, encodeEntries(step), 'origin')
    applyPresence(ours.awareness, step, 'origin')
  }
  return { theirs, ours }
}

function encodeEntries(entries: TPresenceEntry[]): Uint8Array {
  const source = new awarenessProtocol.Awareness(new Y.Doc())
  source.setLocalState(null)
  for (const e of entries) {
    if (e.state === null) source.states.delete(e.clientId)
    else source.states.set(e.clientId, e.state as Record<string, unknown>)
    source.meta.set(e.clientId, { clock: e.clock, lastUpdated: 0 })
  }
  return awarenessProtocol.encodeAwarenessUpdate(source, entries.map((e) => e.clientId))
}

const cursor = (x: number) => ({ user: { name: 'Ada' }, presence: { cursor: { x, y: 0 } } })

describe('presence states', () => {
  it('applies entries as applyAwarenessUpdate does: states, clocks and events alike', () => {
    const { theirs, ours } = both([
      [entry(7, 1, cursor(1)), entry(8, 1, cursor(2))], // two arrive
      [entry(7, 2, cursor(1))], // renewed, unchanged: an update, no change
      [entry(7, 3, cursor(5))], // moved
      [entry(8, 1, cursor(9))], // an old clock: ignored
      [entry(8, 1, null)], // a removal at the same clock counts
      [entry(8, 2, cursor(3))], // back
      [entry(9, 4, null)], // a removal of someone unknown: nothing to report
    ])
    expect([...ours.awareness.getStates()]).toEqual([...theirs.awareness.getStates()])
    const clocks = (a: awarenessProtocol.Awareness) => [...a.meta].filter(([id]) => id !== a.clientID).map(([id, m]) => [id, m.clock])
    expect(clocks(ours.awareness)).toEqual(clocks(theirs.awareness))
    expect(ours.events).toEqual(theirs.events)
    expect(ours.events.filter(([kind]) => kind === 'change')).toHaveLength(4)
    expect(ours.events.filter(([kind]) => kind === 'update')).toHaveLength(5)
  })

  it('never lets an entry remove the awareness’s own state; its clock moves on instead', () => {
    const { awareness } = recorded()
    awareness.setLocalState({ jobs: [] })
    const clock = awareness.meta.get(awareness.clientID)!.clock
    applyPresence(awareness, [entry(awareness.clientID, clock + 1, null)], 'origin')
    expect(awareness.getLocalState()).toEqual({ jobs: [] })
    expect(awareness.meta.get(awareness.clientID)!.clock).toBe(clock + 2)
  })

  it('encodes the bytes encodeAwarenessUpdate writes, removals included', () => {
    const { ours } = both([[entry(7, 1, cursor(1)), entry(8, 3, cursor(2))], [entry(8, 3, null)]])
    ours.awareness.setLocalState({ jobs: [{ id: 'j', progress: 0.5 }] })
    const clients = [7, 8, ours.awareness.clientID]
    expect(encodePresence(ours.awareness, clients)).toEqual(awarenessProtocol.encodeAwarenessUpdate(ours.awareness, clients))
  })

  it('writes each state as the text it came in, without stringifying it again', () => {
    const { awareness } = recorded()
    // Text that JSON.stringify would not write (spaces): the frame must carry it as kept.
    applyPresence(awareness, [presenceEntry(7, 1, { a: 1 }, '{ "a": 1 }')], null)
    const [read] = readPresenceUpdate(encodePresence(awareness, [7]))
    expect(read).toMatchObject({ clientId: 7, clock: 1, state: { a: 1 }, json: '{ "a": 1 }' })
  })

  it('reads a peer’s update into entries that apply like it', () => {
    const source = both([[entry(7, 2, cursor(4)), entry(8, 1, cursor(6))]]).ours.awareness
    const { awareness, events } = recorded()
    applyPresence(awareness, readPresenceUpdate(encodePresence(source, [7, 8])), 'relay')
    expect(awareness.getStates().get(7)).toEqual(cursor(4))
    expect(awareness.meta.get(8)!.clock).toBe(1)
    expect(events.at(-1)).toEqual(['update', { added: [7, 8], updated: [], removed: [] }, 'relay'])
  })
})
