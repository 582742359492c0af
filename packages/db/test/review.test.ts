import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createComment,
  createWebhookEndpoint,
  listWebhookDeliveries,
  recordWebhookEvent,
  createGuestSession,
  createReviewLink,
  findGuestSession,
  findReviewLink,
  getFeedReadSeq,
  getThreadSummary,
  listComments,
  listDeliveryDecisions,
  listReviewDecisions,
  markFeedRead,
  recordReviewDecision,
  revokeReviewLink,
  setCommentResolved,
  upsertUser,
  verifyPassphrase,
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

async function studio() {
  const { owner, ws, members: [producer], boards: [board] } = await createTestStudio(sql, { members: [{ name: 'Ada Producer', role: 'producer' }], boards: ['B'] })
  return { owner, producer: producer!, ws, board: board! }
}

describe('review decisions', () => {
  it('keeps every decision in order with who made it, the latest last', async () => {
    const { owner, producer, board } = await studio()
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:v1', decision: 'changes_requested', decidedBy: producer.id, note: 'Too dark' })
    const second = await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:v1', decision: 'approved', decidedBy: owner.id })
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:other', decision: 'approved', decidedBy: owner.id })
    expect(second).toMatchObject({ variationId: 'shape:v1', decision: 'approved', by: { id: owner.id, name: 'Sam Owner' }, note: null })
    const trail = await listReviewDecisions(sql, { boardId: board.id, variationId: 'shape:v1' })
    expect(trail.map((d) => [d.decision, d.by.name, d.note])).toEqual([
      ['changes_requested', 'Ada Producer', 'Too dark'],
      ['approved', 'Sam Owner', null],
    ])
  })
})

describe('delivery decisions', () => {
  it('lists the trail of the asked variations only, with each decider’s name and role in the workspace', async () => {
    const { owner, producer, board } = await studio()
    const outsider = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Left Studio' })
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:v1', decision: 'changes_requested', decidedBy: producer.id, note: 'Warmer' })
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:v1', decision: 'approved', decidedBy: producer.id })
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:v2', decision: 'approved', decidedBy: owner.id })
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:v2', decision: 'approved', decidedBy: outsider.id })
    await recordReviewDecision(sql, { boardId: board.id, variationId: 'shape:not-asked', decision: 'approved', decidedBy: owner.id })
    const trail = await listDeliveryDecisions(sql, { boardId: board.id, variationIds: ['shape:v1', 'shape:v2'] })
    expect(trail.map((d) => [d.variationId, d.decision, d.by.name, d.by.role, d.note])).toEqual([
      ['shape:v1', 'changes_requested', 'Ada Producer', 'producer', 'Warmer'],
      ['shape:v1', 'approved', 'Ada Producer', 'producer', null],
      ['shape:v2', 'approved', 'Sam Owner', 'owner', null],
      ['shape:v2', 'approved', 'Left Studio', null, null],
    ])
    expect(trail.every((d) => d.at instanceof Date)).toBe(true)
    expect(await listDeliveryDecisions(sql, { boardId: board.id, variationIds: [] })).toEqual([])
  })
})

describe('review links', () => {
  it('opens only by its token, stores neither the token nor the passphrase in clear, and checks the passphrase', async () => {
    const { owner, board } = await studio()
    const { link, token } = await createReviewLink(sql, { boardId: board.id, scope: 'shot', shotId: 'shape:s1', expiresInHours: 24, passphrase: 'open sesame', createdBy: owner.id })
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const [row] = await sql<{ token_hash: string; passphrase_hash: string }[]>`SELECT token_hash, passphrase_hash FROM review_links WHERE id = ${link.id}`
    expect(row!.token_hash).not.toContain(token)
    expect(row!.passphrase_hash).not.toContain('open sesame')
    expect(await verifyPassphrase('open sesame', link.passphraseHash!)).toBe(true)
    expect(await verifyPassphrase('open sesame!', link.passphraseHash!)).toBe(false)

    expect(await findReviewLink(sql, token)).toMatchObject({ state: 'active', link: { id: link.id, scope: 'shot', shotId: 'shape:s1', hasPassphrase: true } })
    expect(await findReviewLink(sql, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull()
  })

  it('is expired once expires_at has passed, and revoked for good once revoked', async () => {
    const { owner, board } = await studio()
    const a = await createReviewLink(sql, { boardId: board.id, scope: 'board', expiresInHours: 1, createdBy: owner.id })
    await sql`UPDATE review_links SET expires_at = now() - interval '1 second' WHERE id = ${a.link.id}`
    expect((await findReviewLink(sql, a.token))!.state).toBe('expired')

    const b = await createReviewLink(sql, { boardId: board.id, scope: 'board', expiresInHours: 1, createdBy: owner.id })
    const first = await revokeReviewLink(sql, b.link.id)
    expect(first!.revokedAt).not.toBeNull()
    expect((await findReviewLink(sql, b.token))!.state).toBe('revoked')
    // Revoking again keeps the first revocation time.
    expect((await revokeReviewLink(sql, b.link.id))!.revokedAt).toBe(first!.revokedAt)
  })

  it('binds a guest session to its own link only', async () => {
    const { owner, board } = await studio()
    const a = await createReviewLink(sql, { boardId: board.id, scope: 'board', expiresInHours: 1, createdBy: owner.id })
    const b = await createReviewLink(sql, { boardId: board.id, scope: 'board', expiresInHours: 1, createdBy: owner.id })
    const session = await createGuestSession(sql, { reviewLinkId: a.link.id, name: 'Guest' })
    expect(await findGuestSession(sql, { token: session.token, reviewLinkId: a.link.id })).toMatchObject({ name: 'Guest' })
    expect(await findGuestSession(sql, { token: session.token, reviewLinkId: b.link.id })).toBeNull()
  })
})

describe('comments', () => {
  it('attach replies to the thread root, and the thread summary counts them and follows resolution', async () => {
    const { owner, producer, board } = await studio()
    const root = (await createComment(sql, {
      boardId: board.id, variationId: 'shape:v1', author: { id: producer.id, name: producer.name }, body: 'Horizon tilts @Sam', mentions: [owner.id],
      timeSeconds: 1.2, region: { shape: 'rect', x: 0.1, y: 0.1, w: 0.5, h: 0.5 },
    }))!
    const reply = (await createComment(sql, { boardId: board.id, variationId: 'shape:v1', parentId: root.id, author: { id: owner.id, name: owner.name }, body: 'Agreed', mentions: [] }))!
    const replyToReply = (await createComment(sql, { boardId: board.id, variationId: 'shape:v1', parentId: reply.id, author: { guestName: 'Client', reviewLinkId: (await createReviewLink(sql, { boardId: board.id, scope: 'board', expiresInHours: 1, createdBy: owner.id })).link.id }, body: 'Yes', mentions: [] }))!
    expect(replyToReply.parentId).toBe(root.id)
    expect(replyToReply.author).toEqual({ id: null, name: 'Client', guest: true })
    // A parent on another variation is refused rather than stitched across clips.
    expect(await createComment(sql, { boardId: board.id, variationId: 'shape:v2', parentId: root.id, author: { id: owner.id, name: owner.name }, body: 'x', mentions: [] })).toBeNull()

    expect(await getThreadSummary(sql, root.id)).toMatchObject({ id: root.id, replies: 2, resolved: false, timeSeconds: 1.2, authorName: 'Ada Producer', excerpt: 'Horizon tilts @Sam' })
    await setCommentResolved(sql, { commentId: root.id, resolved: true, by: owner.id })
    expect((await getThreadSummary(sql, root.id))!.resolved).toBe(true)
    expect((await setCommentResolved(sql, { commentId: root.id, resolved: false, by: owner.id }))!.resolved).toBe(false)

    const all = await listComments(sql, { boardId: board.id })
    expect(all.map((c) => c.body)).toEqual(['Horizon tilts @Sam', 'Agreed', 'Yes'])
    expect(all[0]!.mentions).toEqual([owner.id])
    expect(await listComments(sql, { boardId: board.id, variationIds: ['shape:v2'] })).toEqual([])
  })
})

describe('a comment and its webhook deliveries', () => {
  it('are stored together: a failure while recording the deliveries stores no comment either', async () => {
    const { owner, ws, board } = await studio()
    const { endpoint } = await createWebhookEndpoint(sql, { workspaceId: ws.id, url: 'https://hooks.example.com/montage', events: ['comment.created'], createdBy: owner.id })
    const event = (c: { id: string; createdAt: string }) => ({
      id: `comment.created:${c.id}`, type: 'comment.created' as const, workspaceId: ws.id, createdAt: c.createdAt,
      data: { commentId: c.id, boardId: board.id, variationId: 'shape:v1', parentId: null, author: { id: owner.id, name: owner.name, guest: false }, body: 'Too dark', timeSeconds: null },
    })
    const base = { boardId: board.id, variationId: 'shape:v1', author: { id: owner.id, name: owner.name }, body: 'Too dark', mentions: [] }
    let recorded: string[] = []
    const stored = (await createComment(sql, { ...base, alsoStore: async (tx, c) => void (recorded = await recordWebhookEvent(tx, event(c))) }))!
    expect(recorded).toHaveLength(1)
    expect((await listWebhookDeliveries(sql, { workspaceId: ws.id, endpointId: endpoint.id })).map((d) => d.eventId)).toEqual([`comment.created:${stored.id}`])
    // The process dies (here: the recording throws) between the comment and its deliveries.
    const failed = await createComment(sql, { ...base, body: 'Lost?', alsoStore: async () => { throw new Error('connection lost') } }).catch((e: unknown) => e)
    expect((failed as Error).message).toBe('connection lost')
    expect((await listComments(sql, { boardId: board.id })).map((c) => c.body)).toEqual(['Too dark'])
  })
})

describe('feed read markers', () => {
  it('move forward only, per member and workspace', async () => {
    const { owner, producer, ws } = await studio()
    expect(await getFeedReadSeq(sql, { userId: owner.id, workspaceId: ws.id })).toBe(0)
    expect(await markFeedRead(sql, { userId: owner.id, workspaceId: ws.id, seq: 40 })).toBe(40)
    // A second tab that read less earlier does not move the marker back.
    expect(await markFeedRead(sql, { userId: owner.id, workspaceId: ws.id, seq: 12 })).toBe(40)
    expect(await getFeedReadSeq(sql, { userId: owner.id, workspaceId: ws.id })).toBe(40)
    expect(await getFeedReadSeq(sql, { userId: producer.id, workspaceId: ws.id })).toBe(0)
  })
})
