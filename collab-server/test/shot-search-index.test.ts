import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRecords } from '@montage/board'
import { appendBoardUpdate, createBoard, createWorkspace, searchWorkspace, upsertUser, type Sql, type TBoardSearchChanges } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { ShotSearchIndex, indexUnindexedBoards, searchShapesOf } from '../src/ShotSearchIndex'
import { foldChanges, ShotSearchWriter } from '../src/ShotSearchWriter'
import { waitFor } from './helpers'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

const shot = (id: string, title: unknown, prompt: unknown) => ({ id, typeName: 'shape', type: 'shot', props: { title, prompt } })
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never

/** Each write the indexes hand `writer`, with when it was handed. */
function recordWrites(writer: ShotSearchWriter): { changes: TBoardSearchChanges; at: number }[] {
  const written: { changes: TBoardSearchChanges; at: number }[] = []
  const write = writer.write.bind(writer)
  writer.write = (changes) => (written.push({ changes, at: performance.now() }), write(changes))
  return written
}

/** A new board of its own workspace, a word only this test's shots hold, and its search rows' titles with their stamps. */
async function boardToIndex(name: string, wordPrefix: string) {
  const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Indexer' })
  const ws = await createWorkspace(sql, { name: 'Index', ownerId: owner.id })
  const board = await createBoard(sql, { workspaceId: ws.id, name, createdBy: owner.id })
  const stamps = async () => new Map((await sql<{ shapeId: string; title: string; at: Date }[]>`
    SELECT shape_id AS "shapeId", title, updated_at AS at FROM board_search_shapes WHERE board_id = ${board.id}`).map((r) => [r.shapeId, `${r.title} @ ${r.at.getTime()}`]))
  return { ws, board, word: `${wordPrefix}${randomUUID().slice(0, 6)}`, stamps }
}

describe('shot search index', () => {
  it('takes shots’ titles and prompts only, skipping what is not text', () => {
    const rows = searchShapesOf([
      shot('shape:b', 'Second', 'a prompt'),
      shot('shape:a', 'First', 42),
      { id: 'shape:v', typeName: 'shape', type: 'variation', props: { prompt: 'not a shot' } },
      null,
      { id: 'shape:x', typeName: 'shape', type: 'shot' },
    ])
    expect(rows).toEqual([
      { shapeId: 'shape:a', title: 'First', prompt: '' },
      { shapeId: 'shape:b', title: 'Second', prompt: 'a prompt' },
    ])
  })

  it('rewrites a board’s rows when the shots changed, and only then', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Indexer' })
    const ws = await createWorkspace(sql, { name: 'Index', ownerId: owner.id })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Index board', createdBy: owner.id })
    const word = `dune${randomUUID().slice(0, 6)}`
    let records: unknown[] = [shot('shape:s1', `Opening ${word}`, 'wide')]
    const index = new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, records: () => records })
    await index.refresh()
    expect((await searchWorkspace(sql, { workspaceId: ws.id, q: word })).map((h) => h.shapeId)).toEqual(['shape:s1'])
    // Unchanged shots: no write (the row keeps its stamp).
    const [before] = await sql<{ updatedAt: Date }[]>`SELECT updated_at AS "updatedAt" FROM board_search_shapes WHERE board_id = ${board.id}`
    await index.refresh()
    const [after] = await sql<{ updatedAt: Date }[]>`SELECT updated_at AS "updatedAt" FROM board_search_shapes WHERE board_id = ${board.id}`
    expect(after!.updatedAt.getTime()).toBe(before!.updatedAt.getTime())
    // A deleted shot leaves the index.
    records = []
    await index.refresh()
    expect(await searchWorkspace(sql, { workspaceId: ws.id, q: word })).toEqual([])
  })

  it('after the first write, writes only the shots that changed or went, and after a failed write starts again from what the index holds', async () => {
    const { ws, board, word, stamps } = await boardToIndex('Big board', 'mesa')
    let records: unknown[] = [1, 2, 3].map((i) => shot(`shape:s${i}`, `Shot ${i} ${word}`, 'prompt'))
    let failNext = false
    const writer = new ShotSearchWriter(sql)
    const flaky = { write: (changes: never) => (failNext ? ((failNext = false), Promise.reject(new Error('database went away'))) : writer.write(changes)) } as unknown as ShotSearchWriter
    const index = new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer: flaky, records: () => records })
    await index.refresh()
    const first = await stamps()
    expect([...first.keys()].sort()).toEqual(['shape:s1', 'shape:s2', 'shape:s3'])
    await new Promise((r) => setTimeout(r, 20))

    // One shot retitled, one deleted, one made: the untouched shot's row is not written again.
    records = [shot('shape:s1', `Shot 1 ${word}`, 'prompt'), shot('shape:s2', `Retitled ${word}`, 'prompt'), shot('shape:s4', `Shot 4 ${word}`, '')]
    await index.refresh()
    const second = await stamps()
    expect([...second.keys()].sort()).toEqual(['shape:s1', 'shape:s2', 'shape:s4'])
    expect(second.get('shape:s1')).toBe(first.get('shape:s1'))
    expect(second.get('shape:s2')).toMatch(new RegExp(`^Retitled ${word} @`))

    // A write that fails leaves the rows behind; the next call, with nothing new, reads what the index holds and writes what differs.
    records = [shot('shape:s1', `Reshot ${word}`, 'prompt'), shot('shape:s2', `Retitled ${word}`, 'prompt'), shot('shape:s4', `Shot 4 ${word}`, '')]
    failNext = true
    await index.refresh()
    expect((await stamps()).get('shape:s1')).toBe(first.get('shape:s1'))
    await index.refresh()
    const hits = await searchWorkspace(sql, { workspaceId: ws.id, q: word })
    expect(hits.map((h) => [h.shapeId, h.title]).sort()).toEqual([['shape:s1', `Reshot ${word}`], ['shape:s2', `Retitled ${word}`], ['shape:s4', `Shot 4 ${word}`]])
  })

  it('opening a board the index holds already reads it and writes only what differs (nothing when nothing does)', async () => {
    const { ws, board, word, stamps } = await boardToIndex('Reopened board', 'delta')
    const indexedAt = async () => (await sql<{ at: Date }[]>`SELECT shots_indexed_at AS at FROM boards WHERE id = ${board.id}`)[0]!.at.getTime()
    const records = [shot('shape:s1', `Opening ${word}`, 'wide'), shot('shape:s2', `Closing ${word}`, 'close')]
    const writer = new ShotSearchWriter(sql)
    const written = recordWrites(writer)
    // First opened: never indexed, so written whole and marked indexed.
    await new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer, records: () => records }).refresh()
    expect(written).toHaveLength(1)
    const first = await stamps()
    const marked = await indexedAt()
    await new Promise((r) => setTimeout(r, 20))

    // Opened again (a new room, as after a restart): the index holds these shots, so nothing is written.
    await new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer, records: () => records }).refresh()
    expect(written).toHaveLength(1)
    expect(await stamps()).toEqual(first)

    // The board moved on while its rows did not (the server stopped between storing an edit and
    // writing its rows): opened again, only the retitled shot, the new one and the gone one are
    // written, once for two refreshes asked at once.
    records.splice(0, 2, shot('shape:s2', `Retitled ${word}`, 'close'), shot('shape:s3', `Insert ${word}`, ''))
    const reopened = new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer, records: () => records })
    await Promise.all([reopened.refresh(), reopened.refresh()])
    expect(written).toHaveLength(2)
    expect(written[1]!.changes).toEqual({ boardId: board.id, replace: false, shapes: [{ shapeId: 'shape:s2', title: `Retitled ${word}`, prompt: 'close' }, { shapeId: 'shape:s3', title: `Insert ${word}`, prompt: '' }], removed: ['shape:s1'] })
    const hits = await searchWorkspace(sql, { workspaceId: ws.id, q: word })
    expect(hits.map((h) => [h.shapeId, h.title]).sort()).toEqual([['shape:s2', `Retitled ${word}`], ['shape:s3', `Insert ${word}`]])
    expect(await indexedAt()).toBe(marked)
    // Nothing changed since: nothing written.
    await reopened.refresh()
    expect(written).toHaveLength(2)
  })

  it('given one record by id, reads only the records noted since the last refresh; after a failed write, reads the whole board again', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Indexer' })
    const ws = await createWorkspace(sql, { name: 'Index', ownerId: owner.id })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Noted board', createdBy: owner.id })
    const word = `fjord${randomUUID().slice(0, 6)}`
    const records = new Map<string, unknown>([1, 2, 3].map((i) => [`shape:s${i}`, shot(`shape:s${i}`, `Shot ${i} ${word}`, '')]))
    let walks = 0
    const read: string[] = []
    let failNext = false
    const writer = new ShotSearchWriter(sql)
    const flaky = { write: (changes: never) => (failNext ? ((failNext = false), Promise.reject(new Error('database went away'))) : writer.write(changes)) } as unknown as ShotSearchWriter
    const index = new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer: flaky, records: () => (walks++, records.values()), record: (id) => (read.push(id), records.get(id)) })
    const titles = async () => (await searchWorkspace(sql, { workspaceId: ws.id, q: word })).map((h) => h.title).sort()
    await index.refresh()
    expect(walks).toBe(1)
    // s2 retitled, s3 deleted, s4 made, a note made a variation: only those are read, the board is not walked.
    records.set('shape:s2', shot('shape:s2', `Retitled ${word}`, ''))
    records.delete('shape:s3')
    records.set('shape:s4', shot('shape:s4', `Shot 4 ${word}`, ''))
    records.set('shape:v1', { id: 'shape:v1', typeName: 'shape', type: 'variation', props: {} })
    index.noteChanged(['shape:s2', 'shape:s3', 'shape:s4', 'shape:v1'])
    await index.refresh()
    expect(walks).toBe(1)
    expect(read.sort()).toEqual(['shape:s2', 'shape:s3', 'shape:s4', 'shape:v1'])
    expect(await titles()).toEqual([`Retitled ${word}`, `Shot 1 ${word}`, `Shot 4 ${word}`])
    // Nothing noted: nothing read, nothing written.
    await index.refresh()
    expect(read).toHaveLength(4)
    // A failed write: the next refresh walks the whole board again, against what the index holds.
    records.set('shape:s1', shot('shape:s1', `Reshot ${word}`, ''))
    index.noteChanged(['shape:s1'])
    failNext = true
    await index.refresh()
    expect(await titles()).toEqual([`Retitled ${word}`, `Shot 1 ${word}`, `Shot 4 ${word}`])
    await index.refresh()
    expect(walks).toBe(2)
    expect(await titles()).toEqual([`Reshot ${word}`, `Retitled ${word}`, `Shot 4 ${word}`])
  })

  it('after stores, refreshes at most once a minimum interval, writing each shot’s latest title once; one put off runs at once when the board closes', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Indexer' })
    const ws = await createWorkspace(sql, { name: 'Index', ownerId: owner.id })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Busy board', createdBy: owner.id })
    const word = `sound${randomUUID().slice(0, 6)}`
    const records = new Map<string, unknown>([['shape:s1', shot('shape:s1', `Take 1 ${word}`, '')]])
    const writer = new ShotSearchWriter(sql, { refreshIntervalMs: 300 })
    const written = recordWrites(writer)
    const index = new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer, records: () => records.values(), record: (id) => records.get(id) })
    const titles = async () => (await searchWorkspace(sql, { workspaceId: ws.id, q: word })).map((h) => h.title)
    const retitle = (take: number) => {
      records.set('shape:s1', shot('shape:s1', `Take ${take} ${word}`, ''))
      index.noteChanged(['shape:s1'])
    }
    // The first store of the board: refreshed at the next turn.
    index.refreshSoon()
    await waitFor(async () => written.length === 1)
    await index.settled()
    // Three more stores within the interval: one refresh once it has passed, with the latest title.
    const since = performance.now()
    for (const take of [2, 3, 4]) {
      retitle(take)
      index.refreshSoon()
    }
    expect(written).toHaveLength(1)
    await waitFor(async () => (await titles()).includes(`Take 4 ${word}`))
    expect(performance.now() - since).toBeGreaterThanOrEqual(250)
    expect(written.map((w) => w.changes.shapes.map((s) => s.title))).toEqual([[`Take 1 ${word}`], [`Take 4 ${word}`]])
    // Put off, then the board closes: written now, not after the interval.
    retitle(5)
    index.refreshSoon()
    await new Promise((r) => setTimeout(r, 20))
    expect(written).toHaveLength(2)
    index.refreshPutOff()
    await index.settled()
    expect(written).toHaveLength(3)
    expect(await titles()).toEqual([`Take 5 ${word}`])
  })

  it('refreshes every board that asked within the interval at one tick of the instance’s writer', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Indexer' })
    const ws = await createWorkspace(sql, { name: 'Ticks', ownerId: owner.id })
    const word = `tick${randomUUID().slice(0, 6)}`
    const writer = new ShotSearchWriter(sql, { refreshIntervalMs: 300 })
    const written = recordWrites(writer)
    const boards = await Promise.all(['A', 'B'].map(async (name) => {
      const board = await createBoard(sql, { workspaceId: ws.id, name, createdBy: owner.id })
      const records = new Map<string, unknown>([['shape:s1', shot('shape:s1', `${name} 1 ${word}`, '')]])
      const index = new ShotSearchIndex({ boardId: board.id, db: sql, logger: silent, writer, records: () => records.values(), record: (id) => records.get(id) })
      return { board, records, index }
    }))
    // Both indexed once (the first refresh of each reads what the index holds).
    for (const b of boards) b.index.refreshSoon()
    await waitFor(async () => written.length === 2)
    await Promise.all(boards.map((b) => b.index.settled()))
    // Board A asks at once, board B 150 ms later: both are refreshed at the same tick, the interval after the last.
    const since = performance.now()
    for (const [i, b] of boards.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 150))
      b.records.set('shape:s1', shot('shape:s1', `${['A', 'B'][i]} 2 ${word}`, ''))
      b.index.noteChanged(['shape:s1'])
      b.index.refreshSoon()
    }
    await waitFor(async () => written.length === 4)
    const [a, b] = written.slice(2)
    expect(new Set([a!.changes.boardId, b!.changes.boardId])).toEqual(new Set(boards.map((x) => x.board.id)))
    expect(Math.abs(a!.at - b!.at)).toBeLessThan(20)
    expect(a!.at - since).toBeGreaterThanOrEqual(250)
    await Promise.all(boards.map((x) => x.index.settled()))
    const hits = (await searchWorkspace(sql, { workspaceId: ws.id, q: word })).map((h) => h.title).sort()
    expect(hits).toEqual([`A 2 ${word}`, `B 2 ${word}`])
  })

  it('folds two queued changes of one board into one write', () => {
    const row = (id: string, title: string) => ({ shapeId: id, title, prompt: '' })
    const diff = (shapes: ReturnType<typeof row>[], removed: string[] = []) => ({ boardId: 'b', replace: false, shapes, removed })
    // Made then removed: removed. Removed then made again: written.
    expect(foldChanges(diff([row('a', '1')]), diff([], ['a']))).toEqual(diff([], ['a']))
    expect(foldChanges(diff([], ['a']), diff([row('a', '2')]))).toEqual(diff([row('a', '2')]))
    // Written twice: the later title.
    expect(foldChanges(diff([row('a', '1'), row('b', '1')]), diff([row('a', '2')]))).toEqual(diff([row('a', '2'), row('b', '1')]))
    // A whole replacement, then a change: still whole, with the change in it; a replacement after anything wins.
    const whole = { boardId: 'b', replace: true, shapes: [row('a', '1'), row('b', '1')], removed: [] }
    expect(foldChanges(whole, diff([row('c', '1')], ['a']))).toEqual({ ...whole, shapes: [row('b', '1'), row('c', '1')] })
    expect(foldChanges(diff([row('a', '9')]), whole)).toBe(whole)
  })

  it('writes the shots of many boards through one writer, each board with its latest shots', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Writer' })
    const ws = await createWorkspace(sql, { name: 'Writer', ownerId: owner.id })
    const word = `lagoon${randomUUID().slice(0, 6)}`
    const boards = await Promise.all([1, 2, 3].map((i) => createBoard(sql, { workspaceId: ws.id, name: `Board ${i}`, createdBy: owner.id })))
    const writer = new ShotSearchWriter(sql)
    const titles = new Map(boards.map((b, i) => [b.id, `Take ${i} ${word}`]))
    const indexes = boards.map((b) => new ShotSearchIndex({ boardId: b.id, db: sql, logger: silent, writer, records: () => [shot('shape:s1', titles.get(b.id), 'a prompt')] }))
    const first = indexes.map((index) => index.refresh())
    // A board renamed before its first write went out: the newer title is what is stored.
    titles.set(boards[0]!.id, `Retake ${word}`)
    await Promise.all([...first, indexes[0]!.refresh()])
    const hits = await searchWorkspace(sql, { workspaceId: ws.id, q: word })
    expect(hits.map((h) => [h.boardId, h.title]).sort()).toEqual([[boards[0]!.id, `Retake ${word}`], [boards[1]!.id, `Take 1 ${word}`], [boards[2]!.id, `Take 2 ${word}`]].sort())
    // A deleted shot leaves the index of its board only.
    indexes[1] = new ShotSearchIndex({ boardId: boards[1]!.id, db: sql, logger: silent, writer, records: () => [] })
    await indexes[1].refresh()
    expect((await searchWorkspace(sql, { workspaceId: ws.id, q: word })).map((h) => h.boardId).sort()).toEqual([boards[0]!.id, boards[2]!.id].sort())
  })

  it('indexes the stored shots of boards nobody opened, once, and leaves a board a room indexed alone', async () => {
    const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Backfill' })
    const ws = await createWorkspace(sql, { name: 'Backfill', ownerId: owner.id })
    const word = `harbour${randomUUID().slice(0, 6)}`
    // A board stored before search existed: its shot is in the stored document only.
    const old = await createBoard(sql, { workspaceId: ws.id, name: 'Old board', createdBy: owner.id })
    const doc = new Y.Doc()
    getRecords(doc).set('shape:s1', shot('shape:s1', `Dawn ${word}`, 'fog over the water') as never)
    await appendBoardUpdate(sql, { boardId: old.id, update: Y.encodeStateAsUpdate(doc) })
    // A board whose room indexed it meanwhile (a newer title than its stored document holds).
    const open = await createBoard(sql, { workspaceId: ws.id, name: 'Open board', createdBy: owner.id })
    await appendBoardUpdate(sql, { boardId: open.id, update: Y.encodeStateAsUpdate(doc) })
    await new ShotSearchIndex({ boardId: open.id, db: sql, logger: silent, records: () => [shot('shape:s1', `Dusk ${word}`, '')] }).refresh()
    expect(await searchWorkspace(sql, { workspaceId: ws.id, q: word })).toHaveLength(1)

    expect(await indexUnindexedBoards({ db: sql, logger: silent, batch: 1, workspaceId: ws.id })).toBe(1)
    const hits = await searchWorkspace(sql, { workspaceId: ws.id, q: word })
    expect(hits.map((h) => [h.boardId, h.title]).sort()).toEqual([[old.id, `Dawn ${word}`], [open.id, `Dusk ${word}`]].sort())
    // Indexed boards are not read again.
    const [stamp] = await sql<{ at: Date }[]>`SELECT shots_indexed_at AS at FROM boards WHERE id = ${old.id}`
    expect(await indexUnindexedBoards({ db: sql, logger: silent, workspaceId: ws.id })).toBe(0)
    const [again] = await sql<{ at: Date }[]>`SELECT shots_indexed_at AS at FROM boards WHERE id = ${old.id}`
    expect(again!.at.getTime()).toBe(stamp!.at.getTime())
  })
})
