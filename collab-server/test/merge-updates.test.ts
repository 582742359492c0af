import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MERGE_FAN_IN, mergeInGroups, UpdateQueue } from '../src/merge-updates'

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
  it('mergeInGroups gives the board Y.mergeUpdates gives, never merging more than sixteen at once', () => {
    const updates = editorsUpdates(60, 10)
    const { merge, calls } = countingMerge()
    const grouped = mergeInGroups(updates, merge)
    expect(boardOf(grouped)).toEqual(boardOf(Y.mergeUpdates(updates)))
    expect(Math.max(...calls)).toBeLessThanOrEqual(MERGE_FAN_IN)
    expect(calls.length).toBeGreaterThan(updates.length / MERGE_FAN_IN)
    expect(mergeInGroups([updates[0]!])).toBe(updates[0])
    expect(() => mergeInGroups([])).toThrow(/at least one update/)
  })

  it('a queue merges as updates come and takes them as one board, each step given at most sixteen', () => {
    const updates = editorsUpdates(200, 5) // 1,001 updates: three levels of pieces
    const { merge, calls } = countingMerge()
    const queue = new UpdateQueue(merge)
    for (const u of updates) queue.add(u)
    expect(queue.length).toBe(updates.length)
    // Most of the merging happened while the updates came, not at the take.
    const whileComing = calls.length
    expect(whileComing).toBeGreaterThanOrEqual(Math.floor(updates.length / MERGE_FAN_IN))
    const taken = queue.take()!
    expect(boardOf(taken)).toEqual(boardOf(Y.mergeUpdates(updates)))
    expect(Math.max(...calls)).toBeLessThanOrEqual(MERGE_FAN_IN)
    expect(calls.length - whileComing).toBeLessThanOrEqual(3)
    // Taken: the queue is empty, and fills again from nothing.
    expect(queue.length).toBe(0)
    expect(queue.take()).toBeNull()
    queue.add(updates[1]!)
    expect(queue.take()).toBe(updates[1])
  })

  it('a batch put back after a failed store merges with what came meanwhile, in any order', () => {
    const updates = editorsUpdates(20, 3)
    const queue = new UpdateQueue()
    for (const u of updates.slice(0, 40)) queue.add(u)
    const failed = queue.take()!
    for (const u of updates.slice(40)) queue.add(u)
    queue.add(failed)
    expect(boardOf(queue.take()!)).toEqual(boardOf(Y.mergeUpdates(updates)))
  })
})
