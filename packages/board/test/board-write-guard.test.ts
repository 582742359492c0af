import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { BoardWriteGuard, DEFAULT_BOARD_WRITE_LIMITS, getMeta, getRecords } from '../src'
import { geoShape, seedBoard, TEST_PAGE_ID } from '../src/testing'

/** The server's copy and a client's copy of one board, the client fully synced. */
function boardPair({ clientGc = true } = {}): { server: Y.Doc; client: Y.Doc; guard: BoardWriteGuard } {
  const server = new Y.Doc()
  seedBoard(server)
  getRecords(server).set('shape:a', geoShape('shape:a'))
  // A hostile client may keep deleted content, so its updates carry what it deleted too.
  const client = new Y.Doc({ gc: clientGc })
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  return { server, client, guard: new BoardWriteGuard(server, DEFAULT_BOARD_WRITE_LIMITS) }
}

/** What the client's change sends: everything the server lacks. */
function changeOf(client: Y.Doc, server: Y.Doc, change: () => void): Uint8Array {
  change()
  return Y.encodeStateAsUpdate(client, Y.encodeStateVector(server))
}

describe('BoardWriteGuard', () => {
  it('accepts an honest edit and refuses a bad one before anything is applied', () => {
    const { server, client, guard } = boardPair()
    const good = changeOf(client, server, () => getRecords(client).set('shape:b', geoShape('shape:b', { x: 5 })))
    expect(guard.check(good)).toBeNull()
    Y.applyUpdate(server, good)
    const bad = changeOf(client, server, () => getRecords(client).set('shape:b', { ...geoShape('shape:b'), props: null } as never))
    expect(guard.check(bad)).toMatch(/shape:b is not a valid board record/)
    expect(getRecords(server).get('shape:b')).toMatchObject({ x: 5 })
  })

  // A crafted update put back the page it deleted and deleted that copy too, so a reading of its
  // writes alone saw the page still there while its shapes were orphaned.
  it('measures a record whose JSON outgrows its bytes (control characters, a byte array, numbers in exponent form) against the limit', () => {
    const server = new Y.Doc()
    seedBoard(server)
    const guard = new BoardWriteGuard(server, { ...DEFAULT_BOARD_WRITE_LIMITS, maxRecordBytes: 32 * 1024 })
    // An element as a client may push it: the record as an object or JSON text (as boards were written before), or JSON bytes.
    const write = (id: string, val: unknown) => {
      const client = new Y.Doc()
      Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
      return changeOf(client, server, () => client.getArray('records').push([{ key: id, val }]))
    }
    // About 6 KB to send, about 36 KB of JSON (each \u0001 is six characters).
    const escaped = write('shape:e', geoShape('shape:e', { meta: { note: '\u0001'.repeat(6_000) } }))
    expect(escaped.byteLength).toBeLessThan(8 * 1024)
    expect(guard.check(escaped)).toMatch(/shape:e is \d+ KB; a record may hold at most 32 KB/)
    // 4 KB to send, over 40 KB of JSON ({"0":255,"1":255,…}); no valid record holds one, and the size is what is read first.
    expect(guard.check(write('shape:f', { ...geoShape('shape:f'), meta: { data: new Uint8Array(4_000).fill(255) } }))).toMatch(/shape:f is \d+ KB; a record may hold at most 32 KB/)
    // As JSON text: 10 KB to send, about 44 KB once read (1e20 is written back as 100000000000000000000).
    const text = JSON.stringify(geoShape('shape:g', { meta: { n: [0] } })).replace('"n":[0]', `"n":[${Array(2_000).fill('1e20').join(',')}]`)
    const exponents = write('shape:g', text)
    expect(exponents.byteLength).toBeLessThan(11 * 1024)
    expect(guard.check(exponents)).toMatch(/shape:g is \d+ KB; a record may hold at most 32 KB/)
    // The same as UTF-8 bytes, as records are written now.
    const exponentBytes = write('shape:g', new TextEncoder().encode(text))
    expect(exponentBytes.byteLength).toBeLessThan(11 * 1024)
    expect(guard.check(exponentBytes)).toMatch(/shape:g is \d+ KB; a record may hold at most 32 KB/)
  })

  it('counts an entry inserted and deleted within one update as nothing', () => {
    const { server, client, guard } = boardPair({ clientGc: false })
    const page = getRecords(client).get(TEST_PAGE_ID)!
    const update = changeOf(client, server, () =>
      client.transact(() => {
        getRecords(client).delete(TEST_PAGE_ID)
        client.getArray('records').push([{ key: TEST_PAGE_ID, val: page }])
        const arr = client.getArray('records')
        arr.delete(arr.length - 1, 1)
        getRecords(client).set('page:two', { ...page, id: 'page:two' } as never)
      }),
    )
    expect(guard.check(update)).toMatch(/without its parent/)
  })

  it('reads only what the server lacks from an update that repeats what it has', () => {
    const { client, guard } = boardPair()
    getRecords(client).set('shape:c', geoShape('shape:c'))
    // A client that lost track of the server's state sends all it has (a reconnect's full sync).
    expect(guard.check(Y.encodeStateAsUpdate(client))).toBeNull()
  })

  it('lets meta.schema be written again unchanged (two first clients at once), never replaced', () => {
    const { server, client, guard } = boardPair()
    const schema = getMeta(client).get('schema') as { sequences: Record<string, number> }
    expect(guard.check(changeOf(client, server, () => getMeta(client).set('schema', structuredClone(schema))))).toBeNull()
    const client2 = new Y.Doc()
    Y.applyUpdate(client2, Y.encodeStateAsUpdate(server))
    const older = { ...schema, sequences: { ...schema.sequences, 'com.tldraw.shape.geo': 1 } }
    expect(guard.check(changeOf(client2, server, () => getMeta(client2).set('schema', older)))).toMatch(/set when a board is created/)
  })

  it('lets a deleted variation be put back exactly as it was (undo), and only that', () => {
    const { server, client, guard } = boardPair()
    const variation = { ...geoShape('shape:v'), type: 'variation', props: { w: 320, h: 180, shotId: 'shape:s', generationId: 'g1', status: 'succeeded', assetSha256: 'a'.repeat(64), posterSha256: '', mimeType: 'video/mp4', durationSeconds: 4, model: 'previz', prompt: 'p', referenceIds: [], cost: 4, error: '', reviewState: 'pending', parentVariationId: '', referenceTags: [], stripSha256: '', stripFrames: 0, proxySha256: '', version: 1 } }
    server.transact(() => getRecords(server).set('shape:v', variation as never))
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    const deletion = changeOf(client, server, () => getRecords(client).delete('shape:v'))
    expect(guard.check(deletion)).toBeNull()
    Y.applyUpdate(server, deletion)
    const forged = new Y.Doc()
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(server))
    expect(guard.check(changeOf(forged, server, () => getRecords(forged).set('shape:v', { ...variation, props: { ...variation.props, cost: 0 } } as never)))).toMatch(/starts queued and empty; its cost/)
    expect(guard.check(changeOf(client, server, () => getRecords(client).set('shape:v', variation as never)))).toBeNull()
  })
})
