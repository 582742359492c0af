import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { searchWorkspace } from '@montage/db'
import { validShot } from './valid-records'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, readRecords, shapeRecord, startServer, storedRecords, type TestEnv, waitFor } from './helpers'

let env: TestEnv

beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

describe('restart', () => {
  it('a new server instance loads every edit the previous one received', async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    // A debounce longer than the test: only close() can have stored the edits.
    const first = await startServer(env, { persistence: { debounceMs: 60_000, maxDebounceMs: 120_000 } })
    const a = await openProvider(env, first.port, boardId, owner.token)
    const b = await openProvider(env, first.port, boardId, members[0]!.token)
    for (let i = 0; i < 5; i++) getRecords(a.doc).set(`shape:a${i}`, shapeRecord(`shape:a${i}`, { x: i }))
    getRecords(b.doc).set('shape:b', shapeRecord('shape:b'))
    await waitFor(() => Object.keys(readRecords(a.doc)).length === 6 && Object.keys(readRecords(b.doc)).length === 6)
    expect(await storedRecords(env.db, boardId)).toEqual({})

    await first.server.close()
    a.provider.destroy()
    b.provider.destroy()

    const second = await startServer(env)
    const fresh = await openProvider(env, second.port, boardId, owner.token)
    expect(Object.keys(readRecords(fresh.doc)).sort()).toEqual(['shape:a0', 'shape:a1', 'shape:a2', 'shape:a3', 'shape:a4', 'shape:b'])
  })

  it('loses no edit when the server closes right after it, before the debounce ran', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const first = await startServer(env, { persistence: { debounceMs: 60_000, maxDebounceMs: 120_000 } })
    const a = await openProvider(env, first.port, boardId, owner.token)
    getRecords(a.doc).set('shape:last-second', shapeRecord('shape:last-second'))
    // No wait: the update may still be on the wire; the graceful close must still take it in.
    await first.server.close()
    a.provider.destroy()

    expect(await storedRecords(env.db, boardId)).toHaveProperty('shape:last-second')
    const second = await startServer(env)
    const fresh = await openProvider(env, second.port, boardId, owner.token)
    expect(readRecords(fresh.doc)).toHaveProperty('shape:last-second')
  })

  it('shares one load between concurrent first joiners', async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor', 'editor'])
    const seed = await startServer(env)
    const s = await openProvider(env, seed.port, boardId, owner.token)
    getRecords(s.doc).set('shape:seed', shapeRecord('shape:seed'))
    await seed.server.close()
    s.provider.destroy()

    const server = await startServer(env)
    const clients = await Promise.all(members.map((m) => openProvider(env, server.port, boardId, m.token)))
    for (const c of clients) expect(readRecords(c.doc)).toHaveProperty('shape:seed')
    // Had each joiner loaded its own Y.Doc, edits would not cross between them.
    getRecords(clients[0]!.doc).set('shape:x', shapeRecord('shape:x'))
    await waitFor(() => clients.every((c) => readRecords(c.doc)['shape:x'] !== undefined))
  })
})

describe('log and snapshot', () => {
  it('folds the log into a snapshot once it is long, and loads snapshot + tail', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const server = await startServer(env, { persistence: { debounceMs: 5, maxDebounceMs: 20, compactAfterRows: 5 } })
    const a = await openProvider(env, server.port, boardId, owner.token)
    const kv = getRecords(a.doc)
    for (let i = 0; i < 30; i++) {
      kv.set(`shape:n${i}`, shapeRecord(`shape:n${i}`, { x: i }))
      if (i % 3 === 0) kv.delete(`shape:n${i}`)
      await new Promise((r) => setTimeout(r, 15))
    }
    await waitFor(async () => Object.keys(await storedRecords(env.db, boardId)).length === 20)
    const [snap] = await env.db<{ folded: number }[]>`SELECT folded FROM board_snapshots WHERE board_id = ${boardId}`
    expect(snap?.folded).toBeGreaterThanOrEqual(5)
    // The last append may still be folding in (compaction follows the store that reached 5 rows).
    const logRows = async () => ((await env.db`SELECT count(*)::int AS rows FROM board_updates WHERE board_id = ${boardId}`) as unknown as [{ rows: number }])[0].rows
    await waitFor(async () => (await logRows()) < 5)
    expect(await logRows()).toBeLessThan(5)

    const second = await startServer(env)
    const fresh = await openProvider(env, second.port, boardId, owner.token)
    expect(readRecords(fresh.doc)).toEqual(readRecords(a.doc))
  })

  it('compaction from two instances at once loses no row appended meanwhile', async () => {
    const { boardId } = await createBoardWithMembers(env)
    const Y = await import('yjs')
    const { appendBoardUpdate, compactBoardUpdates } = await import('@montage/db')
    const merge = (updates: Uint8Array[]) => Y.mergeUpdates(updates)
    const writes: Promise<unknown>[] = []
    for (let i = 0; i < 40; i++) {
      const doc = new Y.Doc()
      getRecords(doc).set(`shape:r${i}`, shapeRecord(`shape:r${i}`))
      writes.push(appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(doc) }))
      if (i % 8 === 0) writes.push(compactBoardUpdates(env.db, { boardId, merge }), compactBoardUpdates(env.db, { boardId, merge }))
    }
    await Promise.all(writes)
    expect(Object.keys(await storedRecords(env.db, boardId))).toHaveLength(40)
  })
})

describe('search index of an open board', () => {
  it('finds a shot by the title a person just gave it once the board is stored, and no longer finds a deleted one', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const [board] = await env.db<{ workspaceId: string }[]>`SELECT workspace_id AS "workspaceId" FROM boards WHERE id = ${boardId}`
    const workspaceId = board!.workspaceId
    const server = await startServer(env, { persistence: { debounceMs: 20, maxDebounceMs: 200 } })
    const word = `estuary${Math.random().toString(36).slice(2, 8)}`
    const a = await openProvider(env, server.port, boardId, owner.token)
    const titles = async () => (await searchWorkspace(env.db, { workspaceId, q: word })).map((h) => h.title).sort()
    getRecords(a.doc).set('shape:one', validShot('shape:one', 1, 'a prompt', `Low tide ${word}`))
    getRecords(a.doc).set('shape:two', validShot('shape:two', 2, 'a prompt', `High tide ${word}`))
    await waitFor(async () => (await titles()).length === 2)
    getRecords(a.doc).set('shape:one', validShot('shape:one', 1, 'a prompt', `Slack water ${word}`))
    getRecords(a.doc).delete('shape:two')
    await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify([`Slack water ${word}`]))
    a.provider.destroy()
    await server.server.close()
  })
})
