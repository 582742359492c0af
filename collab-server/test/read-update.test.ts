import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { getRecords, readRecordEntry } from '@montage/board'
import { applyReadUpdate, readUpdate } from '../src/read-update'
import { mergedRuns, seededRandom, syncDocs } from './random-edits'
import { validShot } from './valid-records'

/** Two people writing records, meta values, a text and deletions, syncing now and then; every update each makes, and a few merged runs. */
function boardHistory(seed: number, steps: number): Uint8Array[] {
  const random = seededRandom(seed)
  const docs = [new Y.Doc(), new Y.Doc()]
  const updates: Uint8Array[] = []
  for (const d of docs) d.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u))
  for (let step = 0; step < steps; step++) {
    const doc = docs[Math.floor(random() * docs.length)]!
    const op = random()
    const records = getRecords(doc)
    const id = `shape:s${Math.floor(random() * 6)}`
    if (op < 0.5) records.set(id, validShot(id, step))
    else if (op < 0.65) records.delete(id)
    else if (op < 0.8) doc.getMap('meta').set(`k${Math.floor(random() * 4)}`, { step, nested: [step, `v${step}`, null, true] })
    else doc.getText('t').insert(0, `w${step}`)
    if (random() < 0.3) {
      const k = random() < 0.5 ? 0 : 1
      const [a, b] = [docs[k]!, docs[1 - k]!]
      syncDocs(a, b)
    }
  }
  return [...updates, ...mergedRuns(updates, random, 8, 5)]
}

const board = (doc: Y.Doc) => ({ records: Object.fromEntries(getRecords(doc).map), meta: doc.getMap('meta').toJSON(), text: doc.getText('t').toString() })

describe('readUpdate / applyReadUpdate', () => {
  it('read an update as Y.decodeUpdate does', () => {
    for (const update of boardHistory(11, 60)) {
      const read = readUpdate(update)
      const plain = Y.decodeUpdate(update)
      expect(read.structs.map((s) => [s.constructor.name, s.id.client, s.id.clock, s.length])).toEqual(plain.structs.map((s) => [s.constructor.name, s.id.client, s.id.clock, s.length]))
      expect(read.structs.map((s) => (s instanceof Y.Item ? s.content.getContent() : null))).toEqual(plain.structs.map((s) => (s instanceof Y.Item ? s.content.getContent() : null)))
      expect(read.ds.clients).toEqual(plain.ds.clients)
    }
  })

  it('build the same board as Y.applyUpdate, in any order, parts known or not', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const updates = boardHistory(seed, 40)
      const random = seededRandom(seed * 31)
      // A shuffled order: some updates wait for others inside Yjs, some are partly known.
      const order = updates.map((u) => ({ u, k: random() })).sort((a, b) => a.k - b.k).map(({ u }) => u)
      const [ours, theirs] = [new Y.Doc(), new Y.Doc()]
      for (const update of order) {
        applyReadUpdate(ours, update, readUpdate(update), 'client')
        Y.applyUpdate(theirs, update, 'client')
      }
      expect(Y.encodeStateVector(ours)).toEqual(Y.encodeStateVector(theirs))
      expect(board(ours)).toEqual(board(theirs))
    }
  })

  it('hand the values read on arrival to the document instead of parsing them again', () => {
    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    getRecords(source).set('shape:a', validShot('shape:a', 1))
    const read = readUpdate(updates[0]!)
    const doc = new Y.Doc()
    const records = getRecords(doc)
    applyReadUpdate(doc, updates[0]!, read, null)
    const element = read.structs.flatMap((s) => (s instanceof Y.Item ? s.content.getContent() : []))[0] as object
    expect(records.map.get('shape:a')!.element).toBe(element)
    // And the record the guard parsed from it on arrival is the one the board holds: parsed once.
    expect(records.get('shape:a')).toBe(readRecordEntry(element)!.val)
    expect(records.get('shape:a')).toEqual(validShot('shape:a', 1))
  })

  it('parse as usual when handed the values of other bytes', () => {
    // Two updates laid out alike (same client, same clocks, prompts of one length): each value lies
    // at the same offset in both, and only the bytes tell them apart.
    const write = (prompt: string) => {
      const source = new Y.Doc()
      source.clientID = 7
      let update: Uint8Array | null = null
      source.on('update', (u: Uint8Array) => (update = u))
      getRecords(source).set('shape:a', validShot('shape:a', 1, prompt))
      return update!
    }
    const [first, second] = [write('first prompt'), write('other prompt')]
    expect(first.byteLength).toBe(second.byteLength)
    const doc = new Y.Doc()
    applyReadUpdate(doc, second, readUpdate(first), null)
    expect(getRecords(doc).get('shape:a')).toEqual(validShot('shape:a', 1, 'other prompt'))
  })
})
