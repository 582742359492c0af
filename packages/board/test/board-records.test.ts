import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { describe, expect, it } from 'vitest'
import { BoardRecords, type TRecordChange, type TStoredRecordEntry } from '../src'

/** Small seeded generator (mulberry32): a failing seed replays the same run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type TView = { set(k: string, v: object): void; delete(k: string): void; map: Map<string, { val: object }> }

interface Replica {
  doc: Y.Doc
  view: TView
  /** Updates of other replicas not delivered yet. */
  inbox: Uint8Array[]
}

function replicas(kinds: ('ours' | 'y-utility')[]): Replica[] {
  const all: Replica[] = kinds.map((kind, i) => {
    const doc = new Y.Doc()
    doc.clientID = i + 1
    const yarray = doc.getArray<TStoredRecordEntry>('records')
    const view = (kind === 'ours' ? new BoardRecords<object>(yarray) : new YKeyValue<object>(yarray as Y.Array<{ key: string; val: object }>)) as unknown as TView
    return { doc, view, inbox: [] }
  })
  for (const r of all) {
    r.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return
      for (const other of all) if (other !== r) other.inbox.push(update)
    })
  }
  return all
}

/** A record's JSON text as it is stored now. */
const bytes = (text: string) => new TextEncoder().encode(text)

/** Each replica's records; YKeyValue hands out what is stored, so ours reach it as JSON bytes. */
function values(r: Replica): Record<string, unknown> {
  const parsed = (val: unknown) => (val instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(val)) : val)
  return Object.fromEntries([...r.view.map].sort(([a], [b]) => a.localeCompare(b)).map(([k, e]) => [k, parsed(e.val)]))
}

/** Random sets and deletes on random replicas, delivered late and in random order. */
function run(kinds: ('ours' | 'y-utility')[], seed: number, steps = 400): Replica[] {
  const rand = seeded(seed)
  const all = replicas(kinds)
  for (let step = 0; step < steps; step++) {
    const r = all[Math.floor(rand() * all.length)]!
    const roll = rand()
    const key = `k${Math.floor(rand() * 12)}`
    if (roll < 0.55) r.view.set(key, { by: r.doc.clientID, step })
    else if (roll < 0.7) r.view.delete(key)
    else if (r.inbox.length > 0) {
      const i = Math.floor(rand() * r.inbox.length)
      Y.applyUpdate(r.doc, r.inbox.splice(i, 1)[0]!, 'remote')
    }
  }
  // Deliver everything (cleanups made on delivery produce more updates: loop until quiet).
  while (all.some((r) => r.inbox.length > 0)) {
    for (const r of all) while (r.inbox.length > 0) Y.applyUpdate(r.doc, r.inbox.shift()!, 'remote')
  }
  return all
}

describe('BoardRecords', () => {
  it.each([1, 2, 3, 4, 5])('converges with y-utility’s YKeyValue on the same document (seed %i)', (seed) => {
    const mixed = run(['ours', 'ours', 'y-utility', 'y-utility'], seed)
    const first = values(mixed[0]!)
    for (const r of mixed) expect(values(r)).toEqual(first)
    // One live entry per key, as YKeyValue keeps it.
    for (const r of mixed) expect(r.doc.getArray('records').length).toBe(r.view.map.size)
    expect(Object.keys(first).length).toBeGreaterThan(0)
  })

  it('reports adds, updates and deletes per transaction, as YKeyValue does', () => {
    const doc = new Y.Doc()
    const records = new BoardRecords<{ n: number }>(doc.getArray('records'))
    const seen: Map<string, TRecordChange<{ n: number }>>[] = []
    records.on('change', (changes) => seen.push(new Map(changes)))
    records.set('a', { n: 1 })
    records.set('a', { n: 2 })
    doc.transact(() => {
      records.set('b', { n: 1 })
      records.delete('a')
    })
    expect(seen).toEqual([
      new Map([['a', { action: 'add', newValue: { n: 1 } }]]),
      new Map([['a', { action: 'update', oldValue: { n: 1 }, newValue: { n: 2 } }]]),
      new Map<string, unknown>([
        ['a', { action: 'delete', oldValue: { n: 2 } }],
        ['b', { action: 'add', newValue: { n: 1 } }],
      ]),
    ])
    expect(records.get('b')).toEqual({ n: 1 })
    expect(records.has('a')).toBe(false)
  })

  it('stores a record as the UTF-8 bytes of its JSON text, and reads records that boards written before hold as text or objects', () => {
    const doc = new Y.Doc()
    const yarray = doc.getArray<unknown>('records')
    yarray.push([{ key: 'old', val: { n: 1, nested: { list: [1, 2] } } }, { key: 'text', val: '{"n":4,"s":"é"}' }])
    const records = new BoardRecords<{ n: number; nested?: { list: number[] }; s?: string }>(doc.getArray('records'))
    expect(records.get('old')).toEqual({ n: 1, nested: { list: [1, 2] } })
    expect(records.get('text')).toEqual({ n: 4, s: 'é' })

    records.set('new', { n: 2, s: 'ü' })
    records.set('old', { n: 3, nested: { list: [4] } })
    expect(yarray.toArray()).toEqual([
      { key: 'text', val: '{"n":4,"s":"é"}' },
      { key: 'new', val: bytes('{"n":2,"s":"ü"}') },
      { key: 'old', val: bytes('{"n":3,"nested":{"list":[4]}}') },
    ])
    // Another copy reads the same records from the stored bytes.
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    expect(Object.fromEntries([...new BoardRecords(copy.getArray('records')).map].map(([k, e]) => [k, e.val]))).toEqual({
      text: { n: 4, s: 'é' },
      new: { n: 2, s: 'ü' },
      old: { n: 3, nested: { list: [4] } },
    })
  })

  it('keeps the bytes of a received record in an array of their own when the message around them is large, as the view they came as when it is not', () => {
    const source = new Y.Doc()
    const sourceRecords = new BoardRecords<{ n: number; blob?: string }>(source.getArray('records'))
    sourceRecords.set('small', { n: 0 })
    const copy = new Y.Doc()
    const copyRecords = new BoardRecords<{ n: number; blob?: string }>(copy.getArray('records'))
    // The first load into an empty copy keeps its views: they share one array, the board.
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(source))
    expect(copyRecords.get('small')).toEqual({ n: 0 })

    // A small record sent beside a large one, which is then deleted.
    const before = Y.encodeStateVector(source)
    source.transact(() => {
      sourceRecords.set('small', { n: 1 })
      sourceRecords.set('large', { n: 2, blob: 'x'.repeat(200_000) })
    })
    const message = Y.encodeStateAsUpdate(source, before)
    expect(message.byteLength).toBeGreaterThan(200_000)
    Y.applyUpdate(copy, message)
    expect(copyRecords.get('small')).toEqual({ n: 1 })
    const kept = copyRecords.map.get('small')!.element.val as Uint8Array
    expect(kept.byteLength).toBeLessThan(100)
    // Its own array: the 200 KB message can go once the large record does.
    expect(kept.buffer.byteLength).toBe(kept.byteLength)
    expect(new TextDecoder().decode(kept)).toBe('{"n":1}')

    // A record sent alone is kept as the view it arrived as: the message is little more than the record.
    const beforeAlone = Y.encodeStateVector(source)
    sourceRecords.set('small', { n: 3, blob: 'y'.repeat(300) })
    const edit = Y.encodeStateAsUpdate(source, beforeAlone)
    Y.applyUpdate(copy, edit)
    const view = copyRecords.map.get('small')!.element.val as Uint8Array
    expect(view.buffer).toBe(edit.buffer)
    expect(copyRecords.get('small')).toEqual({ n: 3, blob: 'y'.repeat(300) })
  })

  // A `null` pushed into the records array made every load of the board throw (y-utility read `.key` of it).
  it('skips malformed elements instead of throwing on them', () => {
    const doc = new Y.Doc()
    doc.getArray<unknown>('records').push([null, 'junk', { key: 7, val: {} }, { key: 'ok', val: { n: 1 } }, { key: 'bad', val: null }])
    doc.getArray<unknown>('records').push([{ key: 'text', val: '{"n": 1' }, { key: 'list', val: '[1]' }, { key: 'none', val: 'null' }, { key: 'number', val: '7' }])
    // Bytes that are not UTF-8 (a lone continuation byte), or not the JSON of an object.
    doc.getArray<unknown>('records').push([{ key: 'latin1', val: Uint8Array.of(0x7b, 0x7d, 0x80) }, { key: 'cut', val: bytes('{"n":') }, { key: 'array', val: bytes('[{}]') }, { key: 'empty', val: new Uint8Array() }])
    const records = new BoardRecords<{ n: number }>(doc.getArray('records'))
    expect([...records.map.keys()]).toEqual(['ok'])
    doc.getArray<unknown>('records').push([null])
    records.set('ok', { n: 2 })
    expect(records.get('ok')).toEqual({ n: 2 })
  })
})
