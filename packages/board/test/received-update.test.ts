import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { describe, expect, it, vi } from 'vitest'
import { applyReceivedUpdate, BoardRecords, readSyncMessageAsReceived, type TStoredRecordEntry } from '../src'

type TEmitted = { update: Uint8Array; origin: unknown }

/** A document with a records view and an `update` listener that keeps what it is handed, as a local store does. */
function client(): { doc: Y.Doc; records: BoardRecords<object>; emitted: TEmitted[] } {
  const doc = new Y.Doc()
  const records = new BoardRecords<object>(doc.getArray<TStoredRecordEntry>('records'))
  const emitted: TEmitted[] = []
  doc.on('update', (update: Uint8Array, origin: unknown) => emitted.push({ update, origin }))
  return { doc, records, emitted }
}

/** A board written by someone else: `n` records in one transaction, as one update. */
function board(n: number, clientID = 99): { doc: Y.Doc; records: BoardRecords<object>; update: Uint8Array } {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const records = new BoardRecords<object>(doc.getArray<TStoredRecordEntry>('records'))
  doc.transact(() => {
    for (let i = 0; i < n; i++) records.set(`shape:${i}`, { id: `shape:${i}`, x: i * 10, y: 0 })
  })
  return { doc, records, update: Y.encodeStateAsUpdate(doc) }
}

/** What a store that kept every emitted update would load: a new document fed them in order. */
function replay(emitted: TEmitted[]): BoardRecords<object> {
  const doc = new Y.Doc()
  const records = new BoardRecords<object>(doc.getArray<TStoredRecordEntry>('records'))
  for (const { update } of emitted) Y.applyUpdate(doc, update)
  return records
}

const recordsOf = (r: BoardRecords<object>) => Object.fromEntries([...r.map].sort(([a], [b]) => a.localeCompare(b)).map(([k, e]) => [k, e.val]))

describe('applyReceivedUpdate', () => {
  it('hands the update listeners the bytes as received, once, with the origin, and applies them', () => {
    const server = board(500)
    const c = client()
    applyReceivedUpdate(c.doc, server.update, 'server')
    expect(c.records.size).toBe(500)
    expect(recordsOf(c.records)).toEqual(recordsOf(server.records))
    expect(c.emitted).toHaveLength(1)
    // The same array: Yjs would hand over a new encoding of the 500 records.
    expect(c.emitted[0]!.update).toBe(server.update)
    expect(c.emitted[0]!.origin).toBe('server')
    expect(recordsOf(replay(c.emitted))).toEqual(recordsOf(server.records))
  })

  it('gives an update that changes nothing to no listener, as Yjs does', () => {
    const server = board(20)
    const c = client()
    applyReceivedUpdate(c.doc, server.update, 'server')
    applyReceivedUpdate(c.doc, server.update, 'server')
    expect(c.emitted).toHaveLength(1)
  })

  it('still hands the listeners, encoded, what observers change during the apply', () => {
    const server = board(3)
    const c = client()
    // An observer that answers a remote change with one of its own (as the canvas's corrections do).
    c.records.on('change', (_changes, transaction) => {
      if (transaction.origin === 'server') c.doc.transact(() => c.records.set('shape:mine', { id: 'shape:mine', x: 1, y: 1 }), 'local')
    })
    applyReceivedUpdate(c.doc, server.update, 'server')
    expect(c.emitted.map((e) => e.origin)).toEqual(['local', 'server'])
    expect(c.emitted[1]!.update).toBe(server.update)
    const local = c.emitted[0]!.update
    expect(local).not.toBe(server.update)
    // The local change's own update is only the new record: applied to the server, it adds it.
    Y.applyUpdate(server.doc, local)
    expect(server.records.get('shape:mine')).toEqual({ id: 'shape:mine', x: 1, y: 1 })
    expect(recordsOf(replay(c.emitted))).toEqual(recordsOf(c.records))
  })

  it('lets Yjs encode an update that completes one still waiting for it', () => {
    const server = board(2)
    const first = Y.encodeStateAsUpdate(server.doc)
    const before = Y.encodeStateVector(server.doc)
    server.records.set('shape:late', { id: 'shape:late', x: 5, y: 5 })
    const second = Y.encodeStateAsUpdate(server.doc, before)
    const c = client()
    applyReceivedUpdate(c.doc, second, 'server') // its predecessor has not arrived
    expect(c.records.size).toBe(0)
    expect(c.emitted).toHaveLength(0)
    applyReceivedUpdate(c.doc, first, 'server')
    expect(c.records.size).toBe(3)
    // The raw bytes of `first` would lack the record that waited; what the listeners got has it.
    expect(c.emitted).toHaveLength(1)
    expect(c.emitted[0]!.update).not.toBe(first)
    expect(recordsOf(replay(c.emitted))).toEqual(recordsOf(server.records))
  })

  it('keeps the listeners attached when an update fails to read, and gives them what it applied', () => {
    const c = client()
    const broken = board(50).update.slice(0, 900)
    expect(() => applyReceivedUpdate(c.doc, broken, 'server')).toThrow()
    expect(c.emitted.every((e) => e.update !== broken)).toBe(true)
    expect(recordsOf(replay(c.emitted))).toEqual(recordsOf(c.records))
    c.emitted.length = 0
    c.records.set('shape:after', { id: 'shape:after', x: 0, y: 0 })
    expect(c.emitted).toHaveLength(1)
  })

  it('keeps a listener added during the apply, and applies inside a transaction as Yjs does', () => {
    const server = board(4)
    const c = client()
    const late: TEmitted[] = []
    // Added after Yjs looked for listeners (while they are held back), before the call returns.
    const addLate = () => {
      c.doc.off('afterAllTransactions', addLate)
      c.doc.on('update', (update: Uint8Array, origin: unknown) => late.push({ update, origin }))
    }
    c.doc.on('afterAllTransactions', addLate)
    applyReceivedUpdate(c.doc, server.update, 'server')
    expect(late.map((e) => e.update)).toEqual([server.update])
    c.records.set('shape:next', { id: 'shape:next', x: 0, y: 0 })
    expect(late).toHaveLength(2)
    expect(c.emitted).toHaveLength(2)

    const more = board(3, 77)
    const d = client()
    d.doc.transact(() => applyReceivedUpdate(d.doc, more.update, 'server'))
    expect(d.emitted).toHaveLength(1)
    expect(d.emitted[0]!.update).not.toBe(more.update)
    expect(recordsOf(replay(d.emitted))).toEqual(recordsOf(more.records))
  })
})

describe('readSyncMessageAsReceived', () => {
  const message = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder()
    write(e)
    return decoding.createDecoder(encoding.toUint8Array(e))
  }

  it('applies a sync step 2 as received and answers a sync step 1 as y-protocols does', () => {
    const server = board(30)
    const c = client()
    const reply = encoding.createEncoder()
    expect(readSyncMessageAsReceived(message((e) => syncProtocol.writeSyncStep2(e, server.doc)), reply, c.doc, 'server')).toBe(syncProtocol.messageYjsSyncStep2)
    expect(encoding.length(reply)).toBe(0)
    expect(recordsOf(c.records)).toEqual(recordsOf(server.records))
    expect(c.emitted.map((e) => e.origin)).toEqual(['server'])

    // The server asks for what it lacks: the answer is this copy's state.
    const answer = encoding.createEncoder()
    expect(readSyncMessageAsReceived(message((e) => syncProtocol.writeSyncStep1(e, new Y.Doc())), answer, c.doc, 'server')).toBe(syncProtocol.messageYjsSyncStep1)
    const fresh = client()
    const d = decoding.createDecoder(encoding.toUint8Array(answer))
    expect(readSyncMessageAsReceived(d, encoding.createEncoder(), fresh.doc, 'server')).toBe(syncProtocol.messageYjsSyncStep2)
    expect(recordsOf(fresh.records)).toEqual(recordsOf(server.records))
  })

  it('logs an update that fails to apply instead of throwing, and throws on an unknown message type', () => {
    const c = client()
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const broken = board(50).update.slice(0, 900)
      expect(readSyncMessageAsReceived(message((e) => syncProtocol.writeUpdate(e, broken)), encoding.createEncoder(), c.doc, 'server')).toBe(syncProtocol.messageYjsUpdate)
      expect(error).toHaveBeenCalledOnce()
    } finally {
      error.mockRestore()
    }
    expect(() => readSyncMessageAsReceived(message((e) => encoding.writeVarUint(e, 7)), encoding.createEncoder(), c.doc, 'server')).toThrow(/Unknown sync message type 7/)
  })
})
