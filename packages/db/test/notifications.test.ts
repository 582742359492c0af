import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, createBoard, createComment, createWorkspace, getEmailPreference, listCommentAudience, listEmailRecipients, setEmailPreference, upsertUser, type Sql } from '../src'
import { openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

async function person(name: string) {
  return upsertUser(sql, { authSubject: `test:${randomUUID()}`, name })
}

async function generation(ws: string, board: string, shotId: string, variationId: string, by: string, at: string) {
  const id = randomUUID()
  await sql`
    INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by, created_at)
    VALUES (${id}, ${ws}, ${board}, ${shotId}, ${variationId}, 'previz', ${sql.json({})}, 1, ${`generation/${id}`}, ${by}, ${at})`
}

describe('comment audience', () => {
  it('is the thread’s authors, the variation’s maker and the shot’s first maker, members only', async () => {
    const owner = await person('Owner')
    const shotOwner = await person('Shot Owner')
    const maker = await person('Variation Maker')
    const replier = await person('Replier')
    const gone = await person('Former Member')
    const bystander = await person('Bystander')
    const ws = await createWorkspace(sql, { name: 'Audience', ownerId: owner.id })
    for (const u of [shotOwner, maker, replier, bystander]) await addMember(sql, { workspaceId: ws.id, userId: u.id, role: 'editor' })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'B', createdBy: owner.id })
    await generation(ws.id, board.id, 'shape:shot', 'shape:v1', shotOwner.id, '2026-01-01T00:00:00Z')
    await generation(ws.id, board.id, 'shape:shot', 'shape:v2', maker.id, '2026-01-02T00:00:00Z')
    await generation(ws.id, board.id, 'shape:other', 'shape:o1', bystander.id, '2025-12-01T00:00:00Z')
    const root = await createComment(sql, { boardId: board.id, variationId: 'shape:v2', parentId: null, author: { id: owner.id, name: 'Owner' }, body: 'Root', mentions: [], timeSeconds: null, endSeconds: null, region: null })
    await createComment(sql, { boardId: board.id, variationId: 'shape:v2', parentId: root!.id, author: { id: replier.id, name: 'Replier' }, body: 'Reply', mentions: [], timeSeconds: null, endSeconds: null, region: null })
    // Someone who wrote in the thread and left the workspace hears nothing.
    await createComment(sql, { boardId: board.id, variationId: 'shape:v2', parentId: root!.id, author: { id: gone.id, name: 'Former' }, body: 'Old', mentions: [], timeSeconds: null, endSeconds: null, region: null })
    const audience = await listCommentAudience(sql, { boardId: board.id, variationId: 'shape:v2', threadId: root!.id })
    expect(audience.sort()).toEqual([owner.id, shotOwner.id, maker.id, replier.id].sort())
  })
})

describe('email preferences', () => {
  it('default to mentions, change, and go with each recipient’s address', async () => {
    const ada = await person('Ada Mail')
    const ws = await createWorkspace(sql, { name: 'Mail', ownerId: ada.id })
    expect(await getEmailPreference(sql, ada.id)).toBe('mentions')
    expect(await setEmailPreference(sql, { userId: ada.id, email: 'all' })).toBe('all')
    expect(await getEmailPreference(sql, ada.id)).toBe('all')
    expect(await listEmailRecipients(sql, { workspaceId: ws.id, userIds: [ada.id] })).toEqual([])
    await sql`UPDATE users SET email = ${`ada-${randomUUID()}@mail.test`} WHERE id = ${ada.id}`
    const [r] = await listEmailRecipients(sql, { workspaceId: ws.id, userIds: [ada.id] })
    expect(r).toMatchObject({ id: ada.id, preference: 'all' })
    await expect(setEmailPreference(sql, { userId: ada.id, email: 'weekly' as never })).rejects.toThrow()
  })
})
