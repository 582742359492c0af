import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, sharedTextKey, TEXTS_MAP } from '@montage/board'
import { forwardableUpdate, madeExactly } from '../src/forwardable-update'
import { appendBoardUpdate, loadBoardUpdates } from '@montage/db'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, readRecords, shapeRecord, startServer, storedRecords, waitFor, type TestEnv } from './helpers'
import { validShot } from './valid-records'
import { frame, openRaw, step1 } from './raw-client'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** The updates among frames a client received (sync, update), each as Yjs decodes it. */
function updatesIn(frames: Uint8Array[]): ReturnType<typeof Y.decodeUpdate>[] {
  return frames.flatMap((f) => {
    const d = decoding.createDecoder(f)
    return decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 2 ? [Y.decodeUpdate(decoding.readVarUint8Array(d))] : []
  })
}

/** Two documents in step: what the server holds and one client's copy. */
function pair(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc()
  const client = new Y.Doc()
  getRecords(client).set('shape:a', shapeRecord('shape:a'))
  getRecords(client).set('shape:b', shapeRecord('shape:b'))
  Y.applyUpdate(server, Y.encodeStateAsUpdate(client))
  return { server, client }
}

/** The update the client's next transaction makes (what its provider sends). */
function nextUpdate(client: Y.Doc, change: () => void): Uint8Array {
  let update: Uint8Array | null = null
  const take = (u: Uint8Array) => (update = u)
  client.on('update', take)
  client.transact(change)
  client.off('update', take)
  return update!
}

/**
 * Applies `update` to `server` as a room does: whether its bytes were judged to be the change, and
 * what Yjs encodes for the change (what the room would send otherwise).
 */
function applyAsRoom(server: Y.Doc, update: Uint8Array): { forwarded: boolean; encoded: Uint8Array | null } {
  const origin = Symbol('client')
  const forwardable = forwardableUpdate(server, update, Y.decodeUpdate(update), origin)
  let forwarded = false
  let encoded: Uint8Array | null = null
  const judge = (tr: Y.Transaction) => void (forwarded ||= forwardable !== null && madeExactly(tr, forwardable))
  const keep = (u: Uint8Array, o: unknown) => void (o === origin && (encoded = u))
  server.on('afterTransactionCleanup', judge)
  server.on('update', keep)
  Y.applyUpdate(server, update, origin)
  server.off('afterTransactionCleanup', judge)
  server.off('update', keep)
  return { forwarded, encoded }
}

/** The records a document holds once `update` is applied to a copy of `before`. */
function recordsAfter(before: Uint8Array, update: Uint8Array): unknown {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, before)
  Y.applyUpdate(doc, update)
  return readRecords(doc)
}

describe('a client update handed on as its own bytes', () => {
  it('is the change it made: an edit, an addition and a deletion each make on a copy exactly what they made on the server', () => {
    const { server, client } = pair()
    const edits = [
      () => getRecords(client).set('shape:a', shapeRecord('shape:a', { x: 300 })),
      () => getRecords(client).set('shape:c', shapeRecord('shape:c')),
      () => getRecords(client).delete('shape:b'),
    ]
    for (const edit of edits) {
      const before = Y.encodeStateAsUpdate(server)
      const update = nextUpdate(client, edit)
      const { forwarded, encoded } = applyAsRoom(server, update)
      expect(forwarded).toBe(true)
      // What the bytes make on a copy of the server's board is what Yjs's own encoding makes.
      expect(recordsAfter(before, update)).toEqual(recordsAfter(before, encoded!))
      expect(recordsAfter(before, update)).toEqual(readRecords(server))
    }
  })

  it('is not a reconnect\'s catch-up, which carries every deletion the client ever saw', () => {
    const { server, client } = pair()
    Y.applyUpdate(server, nextUpdate(client, () => getRecords(client).delete('shape:b')))
    // Offline, the client adds a shape; back online it answers the server's state vector.
    getRecords(client).set('shape:offline', shapeRecord('shape:offline'))
    const catchUp = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server))
    const { forwarded, encoded } = applyAsRoom(server, catchUp)
    expect(forwarded).toBe(false)
    // Yjs's encoding of the change holds the new shape and none of the old deletion.
    expect(encoded!.byteLength).toBeLessThan(catchUp.byteLength)
    expect(getRecords(server).has('shape:offline')).toBe(true)
  })

  it('is neither an update the server holds already, nor one that waits for what it lacks, nor one that changes nothing', () => {
    const { server, client } = pair()
    const first = nextUpdate(client, () => getRecords(client).set('shape:c', shapeRecord('shape:c')))
    const second = nextUpdate(client, () => getRecords(client).set('shape:d', shapeRecord('shape:d')))
    // Out of order: the second continues a history the server has not got to.
    expect(forwardableUpdate(server, second, Y.decodeUpdate(second), 'c')).toBeNull()
    expect(applyAsRoom(server, first).forwarded).toBe(true)
    // The first again: the server has it all.
    expect(forwardableUpdate(server, first, Y.decodeUpdate(first), 'c')).toBeNull()
    expect(applyAsRoom(server, second).forwarded).toBe(true)
    // A deletion the server made already, sent again.
    const deletion = nextUpdate(client, () => getRecords(client).delete('shape:a'))
    expect(applyAsRoom(server, deletion).forwarded).toBe(true)
    expect(applyAsRoom(server, deletion).forwarded).toBe(false)
    // Nothing at all.
    expect(applyAsRoom(server, Y.encodeStateAsUpdate(new Y.Doc())).forwarded).toBe(false)
  })
})

describe('a room handing on its clients\' updates', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await openTestEnv()
  })
  afterAll(() => closeTestEnv(env))

  it('hands on nothing of a stored board it loads: the rows it stores next hold its new edits only', async () => {
    const { port } = await startServer(env)
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const doc = new Y.Doc()
    for (const u of await loadBoardUpdates(env.db, boardId)) Y.applyUpdate(doc, u)
    const before = Y.encodeStateVector(doc)
    doc.transact(() => {
      for (let i = 0; i < 50; i++) getRecords(doc).set(`shape:stored${i}`, shapeRecord(`shape:stored${i}`))
    })
    await appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(doc, before) })
    const rows = (await loadBoardUpdates(env.db, boardId)).length

    const a = await openProvider(env, port, boardId, owner.token)
    const b = await openProvider(env, port, boardId, members[0]!.token)
    expect(Object.keys(readRecords(b.doc))).toHaveLength(50)
    // An edit builds the room's document from the stored board, and is stored.
    getRecords(a.doc).set('shape:new', shapeRecord('shape:new'))
    await waitFor(async () => (await loadBoardUpdates(env.db, boardId)).length > rows)
    const added = (await loadBoardUpdates(env.db, boardId)).slice(rows)
    expect(added.some((u) => Buffer.from(u).includes('shape:new'))).toBe(true)
    expect(added.some((u) => Buffer.from(u).includes('shape:stored'))).toBe(false)
  })

  it('sends, stores and relays plain edits as they came, and still encodes what the server adds and what a reconnect catches up', async () => {
    const { port, server } = await startServer(env)
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const a = await openProvider(env, port, boardId, owner.token)
    const b = await openProvider(env, port, boardId, members[0]!.token)

    const forwarded = () => server.stats().forwardedUpdates
    const start = forwarded()
    getRecords(a.doc).set('shape:g1', shapeRecord('shape:g1'))
    await waitFor(() => readRecords(b.doc)['shape:g1'] !== undefined)
    getRecords(a.doc).set('shape:g1', shapeRecord('shape:g1', { x: 500 }))
    await waitFor(() => (readRecords(b.doc)['shape:g1'] as { x?: number } | undefined)?.x === 500)
    expect(forwarded() - start).toBe(2)

    // A shot added without its shared texts: the server makes them in a transaction of its own,
    // which it encodes; the other client gets both.
    getRecords(a.doc).set('shape:shot1', validShot('shape:shot1', 1))
    await waitFor(() => readRecords(b.doc)['shape:shot1'] !== undefined && b.doc.getMap(TEXTS_MAP).has(sharedTextKey('shape:shot1', 'prompt')))
    expect(forwarded() - start).toBe(3)

    // Offline, `a` deletes a shape and adds one; its catch-up on reconnect carries its deletions.
    a.provider.disconnect()
    getRecords(a.doc).delete('shape:g1')
    getRecords(a.doc).set('shape:g2', shapeRecord('shape:g2'))
    a.provider.connect()
    await waitFor(() => readRecords(b.doc)['shape:g2'] !== undefined && readRecords(b.doc)['shape:g1'] === undefined)

    // The catch-up (which names deletions the server has made already) went through Yjs's encoding.
    expect(forwarded() - start).toBe(3)
    // Everyone, and the store, ends with the same board.
    expect(readRecords(b.doc)).toEqual(readRecords(a.doc))
    const ids = (records: Record<string, unknown>) => Object.keys(records).sort().join()
    await waitFor(async () => ids(await storedRecords(env.db, boardId)) === ids(readRecords(a.doc)))
    expect(await storedRecords(env.db, boardId)).toEqual(readRecords(a.doc))
  })

  /** Three people on a board; the first two send one update each, read by the server in one turn. */
  async function twoUpdatesInOneTurn(port: number, tokens: string[], boardId: string, extra: Record<string, unknown> = {}) {
    const people = await Promise.all(tokens.map((token) => openRaw(port, boardId, token)))
    const docs = people.map(() => new Y.Doc())
    for (const [i, p] of people.entries()) {
      p.ws.send(step1(new Uint8Array([0])))
      await waitFor(() => p.answers.length > 0)
      Y.applyUpdate(docs[i]!, p.answers[0]!)
    }
    const sent = [0, 1].map((i) => nextUpdate(docs[i]!, () => getRecords(docs[i]!).set(`shape:t${i}`, shapeRecord(`shape:t${i}`, extra))))
    for (const p of people) p.received.length = 0
    for (const i of [0, 1]) people[i]!.ws.send(frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, sent[i]!))))
    // The server shares this process: holding its loop lets both frames arrive before it reads either, so they are one turn.
    const until = performance.now() + 50
    while (performance.now() < until);
    await waitFor(() => updatesIn(people[2]!.received).length >= 2 && updatesIn(people[0]!.received).length >= 1 && updatesIn(people[1]!.received).length >= 1)
    return { people, ids: docs.map((d) => d.clientID) }
  }

  const clientsOf = (u: ReturnType<typeof Y.decodeUpdate>) => [...new Set(u.structs.map((s) => s.id.client))]

  it('sends a turn’s updates from two people as they came: each gets the other’s, never its own back, and a third gets both', async () => {
    const { port } = await startServer(env)
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const { people, ids } = await twoUpdatesInOneTurn(port, [owner, ...members].map((u) => u.token), boardId)
    await new Promise((r) => setTimeout(r, 100))
    const [a, b, c] = people.map((p) => updatesIn(p.received).map(clientsOf))
    expect(a).toEqual([[ids[1]]])
    expect(b).toEqual([[ids[0]]])
    expect(c).toEqual([[ids[0]], [ids[1]]])
    for (const p of people) p.ws.close()
  })

  it('judges a client’s queue once for a turn’s frames: a turn larger than the queue limit still reaches a client that reads', async () => {
    const { port, server } = await startServer(env, { limits: { maxQueuedBytes: 16 * 1024 } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    // Two updates of ~12 KB: together over the limit (plus the board's largest answer, a few KB).
    const { people } = await twoUpdatesInOneTurn(port, [owner, ...members].map((u) => u.token), boardId, { meta: { note: 'n'.repeat(12_000) } })
    expect(updatesIn(people[2]!.received)).toHaveLength(2)
    expect(server.stats().slowReadersClosed).toBe(0)
    expect(people.every((p) => p.ws.readyState === p.ws.OPEN)).toBe(true)
    for (const p of people) p.ws.close()
  })
})
