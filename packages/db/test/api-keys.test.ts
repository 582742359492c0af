import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  authenticateApiKey,
  claimIdempotencyKey,
  createApiKey,
  createBoard,
  createComment,
  listBoardsPage,
  listCommentsPage,
  listReviewDecisionsPage,
  recordReviewDecision,
  listApiKeys,
  markIdempotentCharge,
  releaseIdempotencyKey,
  revokeApiKey,
  storeIdempotentResponse,
  upsertUser,
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

describe('API keys', () => {
  it('resolves a key to its creator and their current role; a revoked, altered or unknown key to nothing', async () => {
    const { ws } = await studio()
    const ed = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Ed Editor' })
    await addMember(sql, { workspaceId: ws.id, userId: ed.id, role: 'editor' })
    const { key, secret } = await createApiKey(sql, { workspaceId: ws.id, name: 'farm', scopes: ['read', 'generate'], createdBy: ed.id })
    const found = await authenticateApiKey(sql, secret)
    expect(found).toMatchObject({ userId: ed.id, role: 'editor', key: { id: key.id, scopes: ['read', 'generate'] } })
    expect((await listApiKeys(sql, ws.id))[0]!.lastUsedAt).not.toBeNull()

    const last = secret.at(-1) === 'A' ? 'B' : 'A'
    expect(await authenticateApiKey(sql, secret.slice(0, -1) + last)).toBeNull()
    expect(await authenticateApiKey(sql, `mtg_${'0'.repeat(32)}_${secret.split('_').slice(2).join('_')}`)).toBeNull()
    expect(await authenticateApiKey(sql, 'not a key')).toBeNull()

    // The creator's role is read at each use: demoted, the key is demoted; gone, it opens nothing.
    await sql`UPDATE memberships SET role = 'reviewer' WHERE user_id = ${ed.id} AND workspace_id = ${ws.id}`
    expect((await authenticateApiKey(sql, secret))?.role).toBe('reviewer')
    await sql`DELETE FROM memberships WHERE user_id = ${ed.id} AND workspace_id = ${ws.id}`
    expect((await authenticateApiKey(sql, secret))?.role).toBeNull()

    await revokeApiKey(sql, { keyId: key.id, by: ed.id })
    expect(await authenticateApiKey(sql, secret)).toBeNull()
  })

  it('stores no secret: a scope outside the four is refused by the table', async () => {
    const { owner, ws } = await studio()
    await expect(createApiKey(sql, { workspaceId: ws.id, name: 'x', scopes: ['everything' as never], createdBy: owner.id })).rejects.toThrow()
    expect(await listApiKeys(sql, ws.id)).toEqual([])
  })
})

describe('idempotency keys', () => {
  it('lets exactly one of concurrent claims run, replays its answer, and refuses the key for another request', async () => {
    const caller = `user:${randomUUID()}`
    const key = 'retry-me'
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimIdempotencyKey(sql, { caller, key, requestHash: 'a'.repeat(64) })))
    const won = claims.filter((c) => c.state === 'claimed')
    expect(won).toHaveLength(1)
    expect(claims.filter((c) => c.state === 'in_progress')).toHaveLength(7)
    await storeIdempotentResponse(sql, { caller, key, claimId: won[0]!.claimId, status: 202, body: { generationId: 'g1' } })
    expect(await claimIdempotencyKey(sql, { caller, key, requestHash: 'a'.repeat(64) })).toEqual({ state: 'replay', status: 202, body: { generationId: 'g1' } })
    expect(await claimIdempotencyKey(sql, { caller, key, requestHash: 'b'.repeat(64) })).toEqual({ state: 'mismatch' })
    // Another caller's same key is its own.
    expect((await claimIdempotencyKey(sql, { caller: `key:${randomUUID()}`, key, requestHash: 'b'.repeat(64) })).state).toBe('claimed')
  })

  it('gives the key back after a refused request, so the retry runs', async () => {
    const caller = `user:${randomUUID()}`
    const claim = await claimIdempotencyKey(sql, { caller, key: 'k', requestHash: 'c'.repeat(64) })
    if (claim.state !== 'claimed') throw new Error(`expected a claim, got ${claim.state}`)
    await releaseIdempotencyKey(sql, { caller, key: 'k', claimId: claim.claimId })
    expect((await claimIdempotencyKey(sql, { caller, key: 'k', requestHash: 'c'.repeat(64) })).state).toBe('claimed')
  })

  it('after a server stopped mid-request: a retry takes over a claim that charged nothing, and is told of one that was charged', async () => {
    const caller = `user:${randomUUID()}`
    const hash = 'd'.repeat(64)
    const abandon = (key: string) => sql`UPDATE idempotency_keys SET created_at = now() - interval '3 minutes' WHERE caller = ${caller} AND key = ${key}`
    // Stopped before charging: the key is stuck only while the first could still be running.
    const first = await claimIdempotencyKey(sql, { caller, key: 'quiet', requestHash: hash })
    if (first.state !== 'claimed') throw new Error(`expected a claim, got ${first.state}`)
    expect((await claimIdempotencyKey(sql, { caller, key: 'quiet', requestHash: hash })).state).toBe('in_progress')
    await abandon('quiet')
    expect((await claimIdempotencyKey(sql, { caller, key: 'quiet', requestHash: hash })).state).toBe('claimed')
    // The first, had it only been slow, can no longer charge (its transaction rolls back) nor answer for the key.
    await expect(sql.begin((tx) => markIdempotentCharge(tx, { caller, key: 'quiet', claimId: first.claimId }))).rejects.toThrow(/taken over by a retry/)
    await storeIdempotentResponse(sql, { caller, key: 'quiet', claimId: first.claimId, status: 202, body: { stale: true } })
    expect((await claimIdempotencyKey(sql, { caller, key: 'quiet', requestHash: hash })).state).toBe('in_progress')
    // Stopped after charging: the retry is told, and charged nothing.
    const charged = await claimIdempotencyKey(sql, { caller, key: 'paid', requestHash: hash })
    if (charged.state !== 'claimed') throw new Error(`expected a claim, got ${charged.state}`)
    await sql.begin((tx) => markIdempotentCharge(tx, { caller, key: 'paid', claimId: charged.claimId }))
    expect((await claimIdempotencyKey(sql, { caller, key: 'paid', requestHash: hash })).state).toBe('in_progress')
    await abandon('paid')
    expect(await claimIdempotencyKey(sql, { caller, key: 'paid', requestHash: hash })).toMatchObject({ state: 'charged_unanswered' })
  })
})

describe('API list pages', () => {
  // Bug: a cursor's timestamp went through a JS Date (ms), so the next page began with the row the last one ended on.
  it('walks rows created within the same millisecond each once, in order', async () => {
    const { owner, ws } = await studio()
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await createBoard(sql, { workspaceId: ws.id, name: `b${i}`, createdBy: owner.id, maxPerWorkspace: 100 })).id)
    const seen: string[] = []
    let after = null
    for (;;) {
      const rows = await listBoardsPage(sql, { workspaceId: ws.id, after, limit: 2 })
      const kept = rows.slice(0, 2)
      seen.push(...kept.map((r) => r.id))
      if (rows.length <= 2) break
      after = { at: kept[1]!.pageAt, id: kept[1]!.id }
    }
    const ordered = await sql<{ id: string }[]>`SELECT id FROM boards WHERE workspace_id = ${ws.id} ORDER BY created_at, id`
    expect(seen).toEqual(ordered.map((r) => r.id))
    expect(new Set(seen)).toEqual(new Set(made))
  })

  it('walks a board\'s comments and decisions page by page, all or one variation\'s, each once in order', async () => {
    const { owner, ws } = await studio()
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Review', createdBy: owner.id, maxPerWorkspace: 100 })
    const [a, b] = ['shape:page-a', 'shape:page-b']
    const author = { id: owner.id, name: owner.name }
    for (let i = 0; i < 5; i++) await createComment(sql, { boardId: board.id, variationId: i % 2 ? b : a, author, body: `note ${i}`, mentions: [] })
    for (const [variationId, decision] of [[a, 'changes_requested'], [b, 'approved'], [a, 'approved']] as const) await recordReviewDecision(sql, { boardId: board.id, variationId, decision, decidedBy: owner.id })
    async function walk<T extends { id: string; pageAt: string }>(page: (after: { at: string; id: string } | null) => Promise<T[]>): Promise<T[]> {
      const seen: T[] = []
      let after = null
      for (;;) {
        const rows = await page(after)
        const kept = rows.slice(0, 2)
        seen.push(...kept)
        if (rows.length <= 2) return seen
        after = { at: kept[1]!.pageAt, id: kept[1]!.id }
      }
    }
    expect((await walk((after) => listCommentsPage(sql, { boardId: board.id, after, limit: 2 }))).map((c) => c.body)).toEqual(['note 0', 'note 1', 'note 2', 'note 3', 'note 4'])
    expect((await walk((after) => listCommentsPage(sql, { boardId: board.id, variationId: a, after, limit: 2 }))).map((c) => c.body)).toEqual(['note 0', 'note 2', 'note 4'])
    expect((await walk((after) => listReviewDecisionsPage(sql, { boardId: board.id, after, limit: 2 }))).map((d) => [d.variationId, d.decision])).toEqual([[a, 'changes_requested'], [b, 'approved'], [a, 'approved']])
    expect((await walk((after) => listReviewDecisionsPage(sql, { boardId: board.id, variationId: a, after, limit: 2 }))).map((d) => d.decision)).toEqual(['changes_requested', 'approved'])
    expect(await listCommentsPage(sql, { boardId: randomUUID(), after: null, limit: 2 })).toEqual([])
  })
})
