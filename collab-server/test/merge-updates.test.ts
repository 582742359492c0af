import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MERGE_FAN_IN, mergeInGroups, mergeInSteps } from '../src/merge-updates'

/** `editors` people each move a shape `rounds` times, on a shared board of 50 shapes: one update per edit. */
function editorsUpdates(editors: number, rounds: number): Uint8Array[] {
  const board = new Y.Doc()
  for (let i = 0; i < 50; i++) board.getMap('records').set(`shape:${i}`, { id: `shape:${i}`, x: i, y: 0 })
  const seed = Y.encodeStateAsUpdate(board)
  const people = Array.from({ length: editors }, () => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, seed)
    return doc
  })
  const updates = [seed]
  for (let r = 0; r < rounds; r++) {
    people.forEach((doc, p) => {
      const before = Y.encodeStateVector(doc)
      doc.getMap('records').set(`shape:${(p * 7 + r) % 50}`, { id: `shape:${(p * 7 + r) % 50}`, x: p, y: r, movedBy: p })
      if (r % 3 === 2) doc.getMap('records').delete(`shape:${(p + r) % 50}`)
      updates.push(Y.encodeStateAsUpdate(doc, before))
    })
  }
  return updates
}

/** The board as a person sees it after applying the update, and everything Yjs keeps of it. */
function boardOf(update: Uint8Array): { records: unknown; state: Uint8Array } {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return { records: doc.getMap('records').toJSON(), state: Y.encodeStateAsUpdate(doc) }
}

/** Y.mergeUpdates, noting how many updates each call was given. */
function countingMerge(): { merge: (updates: Uint8Array[]) => Uint8Array; calls: number[] } {
  const calls: number[] = []
  return { calls, merge: (updates) => (calls.push(updates.length), Y.mergeUpdates(updates)) }
}

describe('merging many updates', () => {
  it('mergeInGroups gives the board Y.mergeUpdates gives, never merging more than MERGE_FAN_IN at once', async () => {
    const updates = editorsUpdates(100, 8) // 801 updates: 13 groups, then 1
    const { merge, calls } = countingMerge()
    const grouped = mergeInGroups(updates, merge)
    expect(boardOf(grouped)).toEqual(boardOf(Y.mergeUpdates(updates)))
    expect(Math.max(...calls)).toBeLessThanOrEqual(MERGE_FAN_IN)
    expect(calls.length).toBeGreaterThan(updates.length / MERGE_FAN_IN)
    expect(mergeInGroups([updates[0]!])).toBe(updates[0])
    expect(() => mergeInGroups([])).toThrow(/at least one update/)
    await expect(mergeInSteps([])).rejects.toThrow(/at least one update/)
  })

  it('mergeInSteps gives the same board, lets the event loop run between steps, and merges a store of up to MERGE_FAN_IN at once', async () => {
    const updates = editorsUpdates(300, 14) // 4,201 updates: 66 groups, then 2, then 1
    const { merge, calls } = countingMerge()
    // Something else the instance must do meanwhile: it runs before the merge is over.
    let servedMeanwhile = false
    setImmediate(() => (servedMeanwhile = calls.length < 69))
    const merged = await mergeInSteps(updates, merge)
    expect(boardOf(merged)).toEqual(boardOf(Y.mergeUpdates(updates)))
    expect(Math.max(...calls)).toBeLessThanOrEqual(MERGE_FAN_IN)
    expect(calls).toHaveLength(69)
    expect(servedMeanwhile).toBe(true)
    const small = countingMerge()
    expect(boardOf(await mergeInSteps(updates.slice(0, MERGE_FAN_IN), small.merge))).toEqual(boardOf(Y.mergeUpdates(updates.slice(0, MERGE_FAN_IN))))
    expect(small.calls).toEqual([MERGE_FAN_IN])
  })
})
