import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createComment, createReviewLink, listAuditTrail, recordReviewDecision, type Sql, type TAuditRow, type TBoardRow, type TUserRow } from '../src'
import { createTestStudio, openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

async function generation(o: { workspaceId: string; boardId: string; shotId: string; variationId: string; by: string; parentId?: string; prompt: string }): Promise<string> {
  const id = randomUUID()
  await sql`
    INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by, parent_generation_id, request)
    VALUES (${id}, ${o.workspaceId}, ${o.boardId}, ${o.shotId}, ${o.variationId}, 'previz', ${sql.json({ duration: 2 })}, 1, ${`wf-${id}`}, ${o.by}, ${o.parentId ?? null}, ${sql.json({ prompt: o.prompt })})`
  return id
}

async function studio() {
  const run = randomUUID().slice(0, 8)
  const { owner, ws, members, boards } = await createTestStudio(sql, {
    ownerName: `Sam ${run}`,
    members: [{ name: `Ben ${run}`, role: 'editor' }, { name: `Ada ${run}`, role: 'producer' }],
    boards: ['Harbour', 'Other'],
  })
  const [editor, producer] = members as [TUserRow, TUserRow]
  const [board, other] = boards as [TBoardRow, TBoardRow]
  return { owner, editor, producer, ws, board, other }
}

const brief = (rows: TAuditRow[]) => rows.map((r) => [r.kind, r.actorName, r.actorRole, r.variationId, r.detail])

describe('audit trail', () => {
  it('lists generations, edits, comments and decisions newest first, with the role each person acted in', async () => {
    const s = await studio()
    const g1 = await generation({ workspaceId: s.ws.id, boardId: s.board.id, shotId: 'shape:s1', variationId: 'shape:v1', by: s.editor.id, prompt: 'Harbour at dawn' })
    await generation({ workspaceId: s.ws.id, boardId: s.board.id, shotId: 'shape:s1', variationId: 'shape:v2', by: s.editor.id, parentId: g1, prompt: 'warmer' })
    await createComment(sql, { boardId: s.board.id, variationId: 'shape:v2', author: { id: s.producer.id, name: s.producer.name }, body: 'Too dark', mentions: [] })
    await recordReviewDecision(sql, { boardId: s.board.id, variationId: 'shape:v2', decision: 'changes_requested', decidedBy: s.producer.id, note: 'Lift the shadows' })
    // A later role change does not rewrite what was done before it.
    await sql`UPDATE memberships SET role = 'owner' WHERE workspace_id = ${s.ws.id} AND user_id = ${s.producer.id}`
    await recordReviewDecision(sql, { boardId: s.board.id, variationId: 'shape:v2', decision: 'approved', decidedBy: s.producer.id })
    const { link } = await createReviewLink(sql, { boardId: s.board.id, scope: 'board', expiresInHours: 1, createdBy: s.owner.id })
    await createComment(sql, { boardId: s.board.id, variationId: 'shape:v1', author: { guestName: 'Client Carla', reviewLinkId: link.id }, body: 'Love it', mentions: [] })
    await generation({ workspaceId: s.ws.id, boardId: s.other.id, shotId: 'shape:s9', variationId: 'shape:v9', by: s.owner.id, prompt: 'elsewhere' })

    const board = await listAuditTrail(sql, { workspaceId: s.ws.id, boardId: s.board.id, after: null, limit: 50 })
    expect(brief(board)).toEqual([
      ['comment', 'Client Carla', 'guest', 'shape:v1', 'Love it'],
      ['approved', s.producer.name, 'owner', 'shape:v2', ''],
      ['changes_requested', s.producer.name, 'producer', 'shape:v2', 'Lift the shadows'],
      ['comment', s.producer.name, 'producer', 'shape:v2', 'Too dark'],
      ['edit', s.editor.name, 'editor', 'shape:v2', 'warmer'],
      ['generation', s.editor.name, 'editor', 'shape:v1', 'Harbour at dawn'],
    ])
    expect(board.find((r) => r.kind === 'edit')?.parentVariationId).toBe('shape:v1')
    expect(board.find((r) => r.kind === 'comment' && r.variationId === 'shape:v2')?.shotId).toBe('shape:s1')

    // A variation's trail holds its own rows and the edits made from it.
    expect(brief(await listAuditTrail(sql, { workspaceId: s.ws.id, boardId: s.board.id, variationId: 'shape:v1', after: null, limit: 50 })).map((r) => r[0])).toEqual(['comment', 'edit', 'generation'])
    expect((await listAuditTrail(sql, { workspaceId: s.ws.id, shotId: 'shape:s1', after: null, limit: 50 })).length).toBe(6)
    expect(brief(await listAuditTrail(sql, { workspaceId: s.ws.id, personId: s.editor.id, after: null, limit: 50 })).map((r) => r[0])).toEqual(['edit', 'generation'])
    expect(brief(await listAuditTrail(sql, { workspaceId: s.ws.id, kind: 'changes_requested', after: null, limit: 50 }))).toEqual([['changes_requested', s.producer.name, 'producer', 'shape:v2', 'Lift the shadows']])
    expect((await listAuditTrail(sql, { workspaceId: s.ws.id, kind: 'generation', after: null, limit: 50 })).map((r) => r.detail)).toEqual(['elsewhere', 'Harbour at dawn'])
  })

  it('pages without repeating or skipping a row, and shows nothing of another workspace', async () => {
    const s = await studio()
    const t = await studio()
    for (let i = 0; i < 5; i++) await createComment(sql, { boardId: s.board.id, variationId: 'shape:v1', author: { id: s.owner.id, name: s.owner.name }, body: `note ${i}`, mentions: [] })
    await createComment(sql, { boardId: t.board.id, variationId: 'shape:v1', author: { id: t.owner.id, name: t.owner.name }, body: 'theirs', mentions: [] })
    const seen: string[] = []
    let after: { at: string; id: string } | null = null
    for (let pages = 0; pages < 5; pages++) {
      const rows: TAuditRow[] = await listAuditTrail(sql, { workspaceId: s.ws.id, after, limit: 2 })
      seen.push(...rows.slice(0, 2).map((r) => r.detail))
      if (rows.length <= 2) break
      after = { at: rows[1]!.pageAt, id: rows[1]!.id }
    }
    expect(seen).toEqual(['note 4', 'note 3', 'note 2', 'note 1', 'note 0'])
    expect((await listAuditTrail(sql, { workspaceId: s.ws.id, boardId: t.board.id, after: null, limit: 50 })).length).toBe(0)
  })
})
