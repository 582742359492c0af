import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '@montage/core'
import {
  createBoard,
  createComment,
  createReviewLink,
  getWorkspaceStorageUse,
  hitRateLimit,
  insertUploadedAsset,
  type Sql,
} from '../src'
import { createTestStudio, openTestDb } from '../src/testing'

let sql: Sql
beforeAll(async () => {
  sql = await openTestDb()
})
afterAll(async () => {
  await sql.end()
})

const studio = () => createTestStudio(sql)

const sha = () => createHash('sha256').update(randomUUID()).digest('hex')

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}

describe('hitRateLimit', () => {
  it('lets `max` hits of a key through, refuses the next with the seconds left, and counts other keys apart', async () => {
    const name = `test-${randomUUID()}`
    const hits = []
    for (let i = 0; i < 4; i++) hits.push(await hitRateLimit(sql, { name, key: 'a', max: 3, windowSeconds: 600 }))
    expect(hits.map((h) => h.allowed)).toEqual([true, true, true, false])
    expect(hits[3]!.hits).toBe(4)
    expect(hits[3]!.retryAfterSeconds).toBeGreaterThan(590)
    expect(hits[3]!.retryAfterSeconds).toBeLessThanOrEqual(600)
    expect((await hitRateLimit(sql, { name, key: 'b', max: 3, windowSeconds: 600 })).allowed).toBe(true)
    expect((await hitRateLimit(sql, { name: `${name}-other`, key: 'a', max: 3, windowSeconds: 600 })).allowed).toBe(true)
  })

  it('holds under concurrent hits: of 40 at once with max 10, exactly 10 get through', async () => {
    const name = `test-${randomUUID()}`
    const results = await Promise.all(Array.from({ length: 40 }, () => hitRateLimit(sql, { name, key: 'k', max: 10, windowSeconds: 600 })))
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  })

  it('opens again once the window has passed, and refused hits do not stretch the window', async () => {
    const name = `test-${randomUUID()}`
    expect((await hitRateLimit(sql, { name, key: 'k', max: 1, windowSeconds: 1 })).allowed).toBe(true)
    expect((await hitRateLimit(sql, { name, key: 'k', max: 1, windowSeconds: 1 })).allowed).toBe(false)
    await new Promise((r) => setTimeout(r, 600))
    expect((await hitRateLimit(sql, { name, key: 'k', max: 1, windowSeconds: 1 })).allowed).toBe(false)
    await new Promise((r) => setTimeout(r, 700))
    const again = await hitRateLimit(sql, { name, key: 'k', max: 1, windowSeconds: 1 })
    expect(again).toMatchObject({ allowed: true, hits: 1 })
  })

  it('sweeps expired windows of other keys as it goes', async () => {
    const name = `test-${randomUUID()}`
    for (let i = 0; i < 5; i++) await hitRateLimit(sql, { name, key: `old-${i}`, max: 1, windowSeconds: 1 })
    await sql`UPDATE rate_limit_windows SET expires_at = now() - interval '1 minute' WHERE name = ${name}`
    await hitRateLimit(sql, { name, key: 'new', max: 1, windowSeconds: 60 })
    const left = await sql<{ key: string }[]>`SELECT key FROM rate_limit_windows WHERE name = ${name}`
    expect(left.map((r) => r.key)).toEqual(['new'])
  })
})

describe('workspace storage quota', () => {
  const asset = (ws: string, by: string, byteSize: number, sha256 = sha()) => ({
    workspaceId: ws,
    sha256,
    mimeType: 'image/png',
    byteSize,
    width: 4,
    height: 4,
    durationMs: null,
    ingest: 'pending' as const,
    createdBy: by,
  })

  it('refuses new bytes past the quota naming the limit and the use, stores nothing, and never refuses bytes already held', async () => {
    const { owner, ws } = await studio()
    let stored = 0
    const beforeInsert = async () => void stored++
    const first = await insertUploadedAsset(sql, { ...asset(ws.id, owner.id, 600), maxWorkspaceBytes: 1000, beforeInsert })
    expect(first.created).toBe(true)
    const e = await refusal(insertUploadedAsset(sql, { ...asset(ws.id, owner.id, 500), maxWorkspaceBytes: 1000, beforeInsert }))
    expect(e).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 'workspaceStorageBytes' })
    expect(e.message).toMatch(/holds 600 bytes of its 1000 bytes limit, and this file is 500 bytes/)
    expect(stored).toBe(1)
    expect(await getWorkspaceStorageUse(sql, ws.id)).toBe(600)
    // The same bytes again: nothing new to store, so no quota to pass.
    const again = await insertUploadedAsset(sql, { ...asset(ws.id, owner.id, 600, first.asset.sha256), maxWorkspaceBytes: 100, beforeInsert })
    expect(again).toMatchObject({ created: false, asset: { id: first.asset.id } })
    expect(stored).toBe(1)
    // What still fits goes in.
    expect((await insertUploadedAsset(sql, { ...asset(ws.id, owner.id, 400), maxWorkspaceBytes: 1000, beforeInsert })).created).toBe(true)
  })

  it('lets only one of two uploads racing for the last free bytes in', async () => {
    const { owner, ws } = await studio()
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => insertUploadedAsset(sql, { ...asset(ws.id, owner.id, 700), maxWorkspaceBytes: 1000 })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await getWorkspaceStorageUse(sql, ws.id)).toBe(700)
  })
})

describe('board and guest-comment quotas', () => {
  it('refuses a board past the workspace quota, also when several are created at once', async () => {
    const { owner, ws } = await studio()
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => createBoard(sql, { workspaceId: ws.id, name: `B${i}`, createdBy: owner.id, maxPerWorkspace: 3 })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    const e = await refusal(createBoard(sql, { workspaceId: ws.id, name: 'one more', createdBy: owner.id, maxPerWorkspace: 3 }))
    expect(e).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 'boardsPerWorkspace' })
    expect(e.message).toMatch(/has 3 boards, the most it may hold \(limit 3\)/)
    const [{ n }] = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM boards WHERE workspace_id = ${ws.id}`) as unknown as [{ n: number }]
    expect(n).toBe(3)
  })

  it("refuses a guest's comment once the link holds its quota; members' comments are not counted", async () => {
    const { owner, ws } = await studio()
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'B', createdBy: owner.id })
    const { link } = await createReviewLink(sql, { boardId: board.id, scope: 'board', expiresInHours: 1, createdBy: owner.id })
    const guest = { guestName: 'Guest', reviewLinkId: link.id }
    const comment = (author: Parameters<typeof createComment>[1]['author']) =>
      createComment(sql, { boardId: board.id, variationId: 'shape:v', author, body: 'hi', mentions: [], maxGuestCommentsPerLink: 2 })
    await Promise.allSettled([comment(guest), comment(guest), comment(guest), comment(guest)])
    expect((await comment({ id: owner.id, name: 'Sam Owner' }))?.body).toBe('hi')
    const e = await refusal(comment(guest))
    expect(e).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 'guestCommentsPerLink' })
    const rows = await sql<{ guest: boolean }[]>`SELECT guest FROM comments WHERE board_id = ${board.id}`
    expect(rows.filter((r) => r.guest)).toHaveLength(2)
    expect(rows.filter((r) => !r.guest)).toHaveLength(1)
  })
})
