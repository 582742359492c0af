import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendBoardUpdate, appendBoardUpdates, createBoard, createDb, createWorkspace, loadBoardUpdates, replaceBoardsSearchShapes, upsertUser, type Sql } from '../src'
import { openTestDb, TEST_DATABASE_URL } from '../src/testing'

let sql: Sql
let other: Sql
beforeAll(async () => {
  sql = await openTestDb()
  // A second pool: another collab-server instance writing the same boards.
  other = await openTestDb()
})
afterAll(async () => {
  await sql.end()
  await other.end()
})

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

describe('writers of many boards at once', () => {
  // Bug: a batch's insert locked its boards (foreign-key checks) in row order, so batches over the same boards in other orders deadlocked.
  it('append logs and rewrite search rows of the same boards concurrently, in any order, without a deadlock', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Writers' })
    const ws = await createWorkspace(sql, { name: 'Writers', ownerId: owner.id })
    const boards: string[] = []
    for (let i = 0; i < 12; i++) boards.push((await createBoard(sql, { workspaceId: ws.id, name: `b${i}`, createdBy: owner.id })).id)
    const update = new Uint8Array([0, 0])
    for (let round = 0; round < 25; round++) {
      await Promise.all([
        appendBoardUpdates(sql, shuffled(boards, round).map((boardId) => ({ boardId, update }))),
        appendBoardUpdates(other, shuffled(boards, round + 100).map((boardId) => ({ boardId, update }))),
        replaceBoardsSearchShapes(other, shuffled(boards, round + 200).map((boardId) => ({ boardId, shapes: [{ shapeId: 'shape:s', title: `t${round}`, prompt: '' }] }))),
      ])
    }
    for (const boardId of boards) expect(await loadBoardUpdates(sql, boardId)).toHaveLength(50)
  })

  it('append a batch in one statement that stores every update and marks each of its boards as just edited', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Batch' })
    const ws = await createWorkspace(sql, { name: 'Batch', ownerId: owner.id })
    const boards: string[] = []
    for (let i = 0; i < 3; i++) boards.push((await createBoard(sql, { workspaceId: ws.id, name: `b${i}`, createdBy: owner.id })).id)
    const editedAt = async () => (await sql<{ id: string; at: Date }[]>`SELECT id, updated_at AS at FROM boards WHERE id = ANY(${boards}::uuid[]) ORDER BY id`).map((r) => r.at.getTime())
    const before = await editedAt()
    await new Promise((r) => setTimeout(r, 20))
    await appendBoardUpdates(sql, [
      { boardId: boards[2]!, update: new Uint8Array([0, 0]) },
      { boardId: boards[0]!, update: new Uint8Array([0, 0]) },
      { boardId: boards[2]!, update: new Uint8Array([0, 0]) },
    ])
    const after = await editedAt()
    const sortedIds = [...boards].sort()
    for (const [i, id] of sortedIds.entries()) {
      // The list of boards shows the recently edited first: boards the batch wrote moved up, the other did not.
      if (id === boards[1]) expect(after[i]).toBe(before[i])
      else expect(after[i]).toBeGreaterThan(before[i]!)
    }
    expect(await loadBoardUpdates(sql, boards[2]!)).toHaveLength(2)
    expect(await loadBoardUpdates(sql, boards[0]!)).toHaveLength(1)
    expect(await loadBoardUpdates(sql, boards[1]!)).toHaveLength(0)
  })

  it('store each update of a batch byte for byte, in the batch\'s order per board', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Bytes' })
    const ws = await createWorkspace(sql, { name: 'Bytes', ownerId: owner.id })
    const boards = [(await createBoard(sql, { workspaceId: ws.id, name: 'a', createdBy: owner.id })).id, (await createBoard(sql, { workspaceId: ws.id, name: 'b', createdBy: owner.id })).id]
    // Lengths 1 to 40, every byte value, boards interleaved.
    const entries = Array.from({ length: 40 }, (_, i) => ({ boardId: boards[i % 3 === 0 ? 1 : 0]!, update: Uint8Array.from({ length: i + 1 }, (_, j) => (i * 37 + j * 11) % 256) }))
    await appendBoardUpdates(sql, entries)
    for (const boardId of boards) {
      expect(await loadBoardUpdates(sql, boardId)).toEqual(entries.filter((e) => e.boardId === boardId).map((e) => e.update))
    }
  })
  it('load a board of several large rows byte for byte (read as binary COPY)', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Large' })
    const ws = await createWorkspace(sql, { name: 'Large', ownerId: owner.id })
    const boardId = (await createBoard(sql, { workspaceId: ws.id, name: 'large', createdBy: owner.id })).id
    const updates = [200_001, 77, 57, 3].map((length, k) => Uint8Array.from({ length }, (_, j) => (j * 131 + k * 7 + (j >> 8)) % 256))
    for (const update of updates) await appendBoardUpdate(sql, { boardId, update })
    expect(await loadBoardUpdates(sql, boardId)).toEqual(updates)
  })

  it('leave the connection able to answer what comes next after each load, whatever the sizes read', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Sizes' })
    const ws = await createWorkspace(sql, { name: 'Sizes', ownerId: owner.id })
    const boards: { id: string; updates: Uint8Array[] }[] = []
    for (const length of [100, 10_000, 17_000, 40_000, 70_000, 150_000, 400_000]) {
      const id = (await createBoard(sql, { workspaceId: ws.id, name: `s${length}`, createdBy: owner.id })).id
      const updates = [length, 5].map((n, k) => Uint8Array.from({ length: n }, (_, j) => (j * 7 + k) % 256))
      for (const update of updates) await appendBoardUpdate(sql, { boardId: id, update })
      boards.push({ id, updates })
    }
    // One connection: a load that left it paused would hang the next statement on it.
    const one = await sql.reserve()
    try {
      for (let round = 0; round < 5; round++) {
        for (const { id, updates } of boards) {
          const loaded = await loadBoardUpdates(one, id)
          // Byte for byte (Buffer's compare: toEqual walks a 400 KB array element by element).
          expect(loaded.map((u, k) => Buffer.compare(u, updates[k]!))).toEqual(updates.map(() => 0))
          expect((await one`SELECT ${round}::int AS n`)[0]!.n).toBe(round)
        }
      }
    } finally {
      one.release()
    }
  })
  it('load while other statements share the pool: none is sent to a connection in the middle of a COPY', async () => {
    // Bug: postgres.js pipelines statements onto busy connections, and one that reached a
    // connection while its COPY was streaming failed with COPY_IN_PROGRESS (a board's load, or the
    // authorization of someone opening another board, on a launch-day crowd of 500 boards).
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Crowd' })
    const ws = await createWorkspace(sql, { name: 'Crowd', ownerId: owner.id })
    const id = (await createBoard(sql, { workspaceId: ws.id, name: 'crowd', createdBy: owner.id })).id
    const update = Uint8Array.from({ length: 1_000_000 }, (_, j) => (j * 13) % 256)
    await appendBoardUpdate(sql, { boardId: id, update })
    const small = createDb({ url: TEST_DATABASE_URL, max: 2 })
    try {
      // Spread over time, as people arrive: statements come while earlier COPYs stream (before the
      // fix, about 1 in 60 of them failed here).
      const work: Promise<unknown>[] = []
      for (let i = 0; i < 150; i++) {
        work.push(loadBoardUpdates(small, id).then((loaded) => expect(Buffer.compare(loaded[0]!, update)).toBe(0)))
        work.push(small`SELECT ${i}::int AS n`.then((rows) => expect(rows[0]!.n).toBe(i)))
        await new Promise((r) => setTimeout(r, 0))
      }
      await Promise.all(work)
    } finally {
      await small.end()
    }
  })
  it('load a board never written as no updates, and refuse an id that is not a uuid before the database sees it', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Empty' })
    const ws = await createWorkspace(sql, { name: 'Empty', ownerId: owner.id })
    const boardId = (await createBoard(sql, { workspaceId: ws.id, name: 'empty', createdBy: owner.id })).id
    expect(await loadBoardUpdates(sql, boardId)).toEqual([])
    expect(await loadBoardUpdates(sql, boardId.toUpperCase())).toEqual([])
    for (const bad of ["x'; DROP TABLE board_updates; --", '', `${boardId} `]) {
      await expect(loadBoardUpdates(sql, bad)).rejects.toThrow('is not a board id (a uuid)')
    }
    expect((await sql`SELECT to_regclass('board_updates') AS t`)[0]!.t).toBe('board_updates')
  })
})
