import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, createBoard, createComment, createWorkspace, readBoardSearchShapes, replaceBoardSearchShapes, searchQueryText, searchWorkspace, upsertUser, writeBoardsSearchShapes, type Sql } from '../src'
import { openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

/** Words of this run only: the test database keeps earlier runs' rows. */
const run = randomUUID().replace(/-/g, '').slice(0, 8)
const word = (w: string) => `${w}${run}`

async function workspaceWith(name: string) {
  const owner = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: `${name} Owner` })
  const ws = await createWorkspace(sql, { name, ownerId: owner.id })
  const board = await createBoard(sql, { workspaceId: ws.id, name: `${name} board ${word('harbour')}`, createdBy: owner.id })
  return { owner, ws, board }
}

async function generation(ws: string, board: string, by: string, variationId: string, prompt: string) {
  const id = randomUUID()
  await sql`
    INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by, request)
    VALUES (${id}, ${ws}, ${board}, 'shape:shot1', ${variationId}, 'previz', ${sql.json({})}, 1, ${`generation/${id}`}, ${by}, ${sql.json({ prompt })})`
  return id
}

describe('search', () => {
  it('finds a prompt word, a tag, a comment, a shot, a board and a person, and nothing from another workspace', async () => {
    const a = await workspaceWith('Alpha')
    const b = await workspaceWith('Beta')
    const ada = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: `Ada ${word('zorro')}` })
    await addMember(sql, { workspaceId: a.ws.id, userId: ada.id, role: 'editor' })
    for (const side of [a, b]) {
      await generation(side.ws.id, side.board.id, side.owner.id, 'shape:v1', `a ${word('lighthouse')} at dusk with @${word('hero')}`)
      await sql`INSERT INTO library_references (workspace_id, tag, kind, name) VALUES (${side.ws.id}, ${word('hero')}, 'character', 'The lead')`
      await createComment(sql, { boardId: side.board.id, variationId: 'shape:v1', parentId: null, author: { id: side.owner.id, name: 'Owner' }, body: `the ${word('horizon')} tilts at 2s`, mentions: [], timeSeconds: 2, endSeconds: null, region: null })
      await replaceBoardSearchShapes(sql, { boardId: side.board.id, shapes: [{ shapeId: 'shape:shot1', title: `Opening ${word('wide')}`, prompt: 'slow push in' }] })
    }

    const prompt = await searchWorkspace(sql, { workspaceId: a.ws.id, q: word('lighthouse') })
    expect(prompt.map((h) => [h.kind, h.boardId, h.shapeId])).toEqual([['prompt', a.board.id, 'shape:v1']])

    // A prefix of the tag as typed with its @ finds the reference and the variation that used it.
    const tag = await searchWorkspace(sql, { workspaceId: a.ws.id, q: `@${word('hero')}`.slice(0, -2) })
    expect(tag.find((h) => h.kind === 'tag')).toMatchObject({ title: `@${word('hero')}`, boardId: a.board.id, shapeId: 'shape:v1' })

    const comment = await searchWorkspace(sql, { workspaceId: a.ws.id, q: `${word('horizon')} tilts` })
    expect(comment).toHaveLength(1)
    expect(comment[0]).toMatchObject({ kind: 'comment', boardId: a.board.id, shapeId: 'shape:v1', timeSeconds: 2 })
    expect(comment[0]!.threadId).toBe(comment[0]!.id)

    const shot = await searchWorkspace(sql, { workspaceId: a.ws.id, q: word('wide') })
    expect(shot.map((h) => [h.kind, h.title, h.shapeId])).toEqual([['shot', `Opening ${word('wide')}`, 'shape:shot1']])

    const board = await searchWorkspace(sql, { workspaceId: a.ws.id, q: word('harbour') })
    expect(board.map((h) => [h.kind, h.id])).toEqual([['board', a.board.id]])

    const person = await searchWorkspace(sql, { workspaceId: a.ws.id, q: word('zorro') })
    expect(person.map((h) => [h.kind, h.id])).toEqual([['person', ada.id]])
    // Ada is not in Beta: Beta's search does not know her.
    expect(await searchWorkspace(sql, { workspaceId: b.ws.id, q: word('zorro') })).toEqual([])

    // Every hit of every search above belongs to workspace A.
    for (const hits of [prompt, tag, comment, shot, board]) {
      for (const h of hits) expect(h.boardId === null || h.boardId === a.board.id).toBe(true)
    }
  })

  it('re-indexes a board’s shots: a renamed shot is found by its new title only', async () => {
    const a = await workspaceWith('Gamma')
    await replaceBoardSearchShapes(sql, { boardId: a.board.id, shapes: [{ shapeId: 'shape:s', title: word('before'), prompt: '' }] })
    await replaceBoardSearchShapes(sql, { boardId: a.board.id, shapes: [{ shapeId: 'shape:s', title: word('after'), prompt: '' }] })
    expect(await searchWorkspace(sql, { workspaceId: a.ws.id, q: word('before') })).toEqual([])
    expect((await searchWorkspace(sql, { workspaceId: a.ws.id, q: word('after') })).map((h) => h.kind)).toEqual(['shot'])
  })

  it('writes boards changed in part at once: changed shots updated, removed ones gone, the rest kept, a missing board skipped, the indexed mark untouched', async () => {
    const a = await workspaceWith('Delta')
    const b = await workspaceWith('Epsilon')
    await replaceBoardSearchShapes(sql, { boardId: a.board.id, shapes: [{ shapeId: 'shape:1', title: 'Keep', prompt: '' }, { shapeId: 'shape:2', title: 'Old', prompt: 'p' }, { shapeId: 'shape:3', title: 'Gone', prompt: '' }] })
    const missing = randomUUID()
    const written = await writeBoardsSearchShapes(sql, [
      { boardId: a.board.id, replace: false, shapes: [{ shapeId: 'shape:2', title: 'New', prompt: 'q' }, { shapeId: 'shape:4', title: 'Added', prompt: '' }], removed: ['shape:3'] },
      { boardId: b.board.id, replace: false, shapes: [{ shapeId: 'shape:9', title: 'First', prompt: '' }], removed: ['shape:never'] },
      { boardId: missing, replace: false, shapes: [{ shapeId: 'shape:1', title: 'Nowhere', prompt: '' }], removed: [] },
    ])
    expect(written.sort()).toEqual([a.board.id, b.board.id].sort())
    expect(await readBoardSearchShapes(sql, a.board.id)).toEqual({
      indexed: true,
      shapes: [{ shapeId: 'shape:1', title: 'Keep', prompt: '' }, { shapeId: 'shape:2', title: 'New', prompt: 'q' }, { shapeId: 'shape:4', title: 'Added', prompt: '' }],
    })
    // Written in part only: a board never replaced whole stays unindexed (the start-up backfill still takes it).
    expect(await readBoardSearchShapes(sql, b.board.id)).toEqual({ indexed: false, shapes: [{ shapeId: 'shape:9', title: 'First', prompt: '' }] })
    expect((await sql`SELECT 1 FROM board_search_shapes WHERE board_id = ${missing}`).length).toBe(0)
  })

  it('a write in part waits for a board another writer holds before it touches any of its rows', async () => {
    const { board } = await workspaceWith('Zeta')
    await replaceBoardSearchShapes(sql, { boardId: board.id, shapes: [{ shapeId: 'shape:1', title: 'Before', prompt: '' }] })
    let partial: Promise<string[]> | null = null
    // The other writer locks the board (as an append or a replace does), then rewrites the row.
    await sql.begin(async (tx) => {
      await tx`SELECT id FROM boards WHERE id = ${board.id} FOR UPDATE`
      partial = writeBoardsSearchShapes(sql, [{ boardId: board.id, replace: false, shapes: [{ shapeId: 'shape:1', title: 'Partial', prompt: '' }], removed: [] }])
      await new Promise((r) => setTimeout(r, 200))
      // Were the write in part holding the row while it waits for the board, this would wait for
      // it in turn: a deadlock, which PostgreSQL ends by failing one of the two.
      await tx`UPDATE board_search_shapes SET title = 'Other' WHERE board_id = ${board.id} AND shape_id = 'shape:1'`
    })
    expect(await partial!).toEqual([board.id])
    // It ran once the other had committed: its title is the last.
    expect((await readBoardSearchShapes(sql, board.id))!.shapes).toEqual([{ shapeId: 'shape:1', title: 'Partial', prompt: '' }])
  })

  it('turns typed text into prefix words and nothing else', () => {
    expect(searchQueryText("  Hero's  CAR! ")).toBe("'hero':* & 's':* & 'car':*")
    expect(searchQueryText("a' | !b & c:*")).toBe("'a':* & 'b':* & 'c':*")
    expect(searchQueryText('  ?!  ')).toBeNull()
  })

  it('reads what the index holds of one board: never indexed, then its rows in shape id order; nothing for an unknown board', async () => {
    const { board } = await workspaceWith('Gamma')
    expect(await readBoardSearchShapes(sql, board.id)).toEqual({ indexed: false, shapes: [] })
    await replaceBoardSearchShapes(sql, { boardId: board.id, shapes: [{ shapeId: 'shape:b', title: 'Second', prompt: '' }, { shapeId: 'shape:a', title: 'First', prompt: 'wide' }] })
    expect(await readBoardSearchShapes(sql, board.id)).toEqual({ indexed: true, shapes: [{ shapeId: 'shape:a', title: 'First', prompt: 'wide' }, { shapeId: 'shape:b', title: 'Second', prompt: '' }] })
    await replaceBoardSearchShapes(sql, { boardId: board.id, shapes: [] })
    expect(await readBoardSearchShapes(sql, board.id)).toEqual({ indexed: true, shapes: [] })
    expect(await readBoardSearchShapes(sql, randomUUID())).toBeNull()
  })
})
