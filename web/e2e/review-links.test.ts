import { readFile } from 'node:fs/promises'
import path from 'node:path'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getThreads } from '@montage/board'
import { createBoard, createWorkspace, loadBoardUpdates, upsertUser } from '@montage/db'
import type { TComment } from '@montage/core'
import { startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, cookieFrom, signInCookie, storedRecord, type SucceededVariation } from './review-fixtures'

let stack: E2EStack
let producer: { cookie: string; userId: string }
let reviewer: { cookie: string; userId: string }
/** On the shot the link shares. */
let inScope: SucceededVariation
/** Same board, another shot. */
let otherShot: SucceededVariation
/** Another studio's board. */
let otherStudio: SucceededVariation
let plateSha256: string

const SHOT = 'shape:demo-shot-1'

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
  producer = await signInCookie(stack, 'local:ada')
  reviewer = await signInCookie(stack, 'local:rui')
  inScope = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SHOT, createdBy: producer.userId })
  otherShot = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: 'shape:another-shot', createdBy: producer.userId })
  const olga = await upsertUser(stack.sql, { authSubject: 'local:olga', name: 'Olga Other' })
  const ws = await createWorkspace(stack.sql, { name: 'Other Studio', ownerId: olga.id })
  const board = await createBoard(stack.sql, { workspaceId: ws.id, name: 'Other board', createdBy: olga.id })
  otherStudio = await addSucceededVariation(stack, { boardId: board.id, workspaceId: ws.id, shotId: 'shape:s', createdBy: olga.id })
  plateSha256 = (await stack.sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type = 'image/png' ORDER BY created_at LIMIT 1`)[0]!.sha256
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

async function api(method: string, urlPath: string, opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (opts.cookie) headers.cookie = opts.cookie
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  return fetch(`${stack.baseUrl}${urlPath}`, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) })
}

async function status(method: string, urlPath: string, opts: Parameters<typeof api>[2] = {}): Promise<number> {
  const res = await api(method, urlPath, opts)
  await res.arrayBuffer()
  return res.status
}

async function createLink(body: unknown): Promise<{ id: string; url: string; token: string; hasPassphrase: boolean; revokedAt: string | null; scope: string; shotId: string | null }> {
  const res = await api('POST', `/api/boards/${stack.boardId}/review-links`, { cookie: producer.cookie, body })
  expect(res.status).toBe(201)
  const { link } = (await res.json()) as { link: { id: string; url: string; hasPassphrase: boolean; revokedAt: string | null; scope: string; shotId: string | null } }
  return { ...link, token: link.url.replace(/^\/r\//, '') }
}

async function storedThread(id: string): Promise<unknown> {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.mergeUpdates(await loadBoardUpdates(stack.sql, stack.boardId)))
  const thread = getThreads(doc).get(id)
  doc.destroy()
  return thread
}

describe('review links', () => {
  it('a guest with the passphrase views one shot, streams its video, and comments; nothing outside the shot is reachable', async () => {
    const link = await createLink({ scope: 'shot', shotId: SHOT, expiresInHours: 24, passphrase: 'lighthouse-42' })
    expect(link).toMatchObject({ scope: 'shot', shotId: SHOT, hasPassphrase: true, revokedAt: null })
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const r = `/api/r/${link.token}`

    expect(await status('GET', r)).toBe(401)
    expect(await (await api('GET', `${r}/info`)).json()).toMatchObject({ board: { name: 'Lighthouse — launch film' }, hasPassphrase: true })
    const wrong = await api('POST', `${r}/session`, { body: { name: 'Carla Client', passphrase: 'lighthouse-41' } })
    expect(wrong.status).toBe(401)
    expect((await wrong.json()).error.field).toBe('passphrase')
    expect(await status('POST', `${r}/session`, { body: { name: 'Carla Client' } })).toBe(401)
    const opened = await api('POST', `${r}/session`, { body: { name: 'Carla Client', passphrase: 'lighthouse-42' } })
    expect(opened.status).toBe(201)
    const guest = cookieFrom(opened, 'montage_guest')
    expect(opened.headers.getSetCookie().join(';')).toMatch(/HttpOnly/i)

    const view = (await (await api('GET', r, { cookie: guest })).json()) as { board: { name: string }; guestName: string; shots: { id: string; variations: { id: string; assetSha256: string; durationSeconds: number }[] }[] }
    expect(view.board.name).toBe('Lighthouse — launch film')
    expect(view.guestName).toBe('Carla Client')
    expect(view.shots.map((s) => s.id)).toEqual([SHOT])
    const variations = view.shots[0]!.variations
    expect(variations.map((v) => v.id)).toContain(inScope.variationId)
    expect(variations.map((v) => v.id)).not.toContain(otherShot.variationId)
    expect(variations.find((v) => v.id === inScope.variationId)).toMatchObject({ assetSha256: inScope.assetSha256, durationSeconds: 2 })

    // The player's first request: a byte range of the video.
    const ranged = await api('GET', `${r}/assets/${inScope.assetSha256}`, { cookie: guest, headers: { range: 'bytes=0-99' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${48 * 1024}`)
    const stored = await readFile(path.join(stack.dataDir, 'assets', inScope.assetSha256.slice(0, 2), inScope.assetSha256))
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(stored.subarray(0, 100))
    expect(await status('GET', `${r}/assets/${inScope.posterSha256}`, { cookie: guest })).toBe(200)

    const posted = await api('POST', `${r}/comments`, { cookie: guest, body: { variationId: inScope.variationId, body: 'Love the lamp, @Ada Moreau', timeSeconds: 1.2, region: { shape: 'rect', x: 0.2, y: 0.1, w: 0.3, h: 0.3 } } })
    expect(posted.status).toBe(201)
    const { comment } = (await posted.json()) as { comment: TComment }
    expect(comment).toMatchObject({ author: { id: null, name: 'Carla Client', guest: true }, mentions: [producer.userId], timeSeconds: 1.2 })

    const forMembers = (await (await api('GET', `/api/boards/${stack.boardId}/comments`, { cookie: reviewer.cookie })).json()) as { items: TComment[] }
    expect(forMembers.items.find((c) => c.id === comment.id)).toMatchObject({ body: 'Love the lamp, @Ada Moreau', author: { guest: true, name: 'Carla Client' } })
    const forGuest = (await (await api('GET', `${r}/comments`, { cookie: guest })).json()) as { comments: TComment[] }
    expect(forGuest.comments.map((c) => c.id)).toContain(comment.id)
    const narrowed = (await (await api('GET', `${r}/comments?variationId=${encodeURIComponent(inScope.variationId)}`, { cookie: guest })).json()) as { comments: TComment[] }
    expect(narrowed.comments.map((c) => c.id)).toContain(comment.id)
    expect(narrowed.comments.every((c) => c.variationId === inScope.variationId)).toBe(true)
    // The live board shows the new thread (the collab-server applied thread.upsert and stored it).
    await expect.poll(() => storedThread(comment.id), { timeout: 20_000 }).toMatchObject({ id: comment.id, variationId: inScope.variationId, authorName: 'Carla Client', timeSeconds: 1.2, replies: 0 })

    // Outside the scope, by changing ids in the URL: another shot, the board's plate, another studio, a made-up hash.
    for (const sha of [otherShot.assetSha256, otherShot.posterSha256, plateSha256, otherStudio.assetSha256, 'f'.repeat(64), 'not-a-hash']) {
      expect(await status('GET', `${r}/assets/${sha}`, { cookie: guest, headers: { range: 'bytes=0-9' } }), sha).toBe(404)
    }
    expect(await status('POST', `${r}/comments`, { cookie: guest, body: { variationId: otherShot.variationId, body: 'sneaky' } })).toBe(404)
    // Member routes do not take a guest's cookie.
    for (const p of [`/api/assets/lookup?boardId=${stack.boardId}&sha256=${inScope.assetSha256}`, `/api/boards/${stack.boardId}`, `/api/boards/${stack.boardId}/comments`, '/api/me', `/api/boards/${stack.boardId}/review-links`]) {
      expect(await status('GET', p, { cookie: guest }), p).toBe(401)
    }
    expect(await status('POST', `/api/boards/${stack.boardId}/variations/${inScope.variationId}/decision`, { cookie: guest, body: { decision: 'approved' } })).toBe(401)
    // The guest cookie opens its own link only, not another link of the same board.
    const boardLink = await createLink({ scope: 'board', expiresInHours: 1 })
    expect(await status('GET', `/api/r/${boardLink.token}`, { cookie: guest })).toBe(401)

    // Revoked: every guest route answers 410.
    const revoke = await api('DELETE', `/api/review-links/${link.id}`, { cookie: producer.cookie })
    expect(revoke.status).toBe(200)
    expect((await revoke.json()).link.revokedAt).not.toBeNull()
    for (const [method, p] of [['GET', r], ['GET', `${r}/info`], ['GET', `${r}/comments`], ['GET', `${r}/assets/${inScope.assetSha256}`]] as const) {
      expect(await status(method, p, { cookie: guest }), p).toBe(410)
    }
    expect(await status('POST', `${r}/comments`, { cookie: guest, body: { variationId: inScope.variationId, body: 'too late' } })).toBe(410)
    expect(await status('POST', `${r}/session`, { body: { name: 'Carla Client', passphrase: 'lighthouse-42' } })).toBe(410)
    expect((await stack.sql`SELECT id FROM comments WHERE body = 'too late'`).length).toBe(0)
  })

  it('a link that has expired answers 410, session and all', async () => {
    const link = await createLink({ scope: 'board', expiresInHours: 1 })
    const opened = await api('POST', `/api/r/${link.token}/session`, { body: { name: 'Late Larry' } })
    expect(opened.status).toBe(201)
    const guest = cookieFrom(opened, 'montage_guest')
    expect(await status('GET', `/api/r/${link.token}`, { cookie: guest })).toBe(200)
    await stack.sql`UPDATE review_links SET expires_at = now() - interval '1 minute' WHERE id = ${link.id}`
    expect(await status('GET', `/api/r/${link.token}`, { cookie: guest })).toBe(410)
    expect(await status('GET', `/api/r/${link.token}/assets/${inScope.assetSha256}`, { cookie: guest })).toBe(410)
    expect(await status('POST', `/api/r/${link.token}/session`, { body: { name: 'Late Larry' } })).toBe(410)
    expect(await status('GET', `/api/r/${'A'.repeat(43)}/info`)).toBe(404)
  })

  it('only producers and owners create, list and revoke links; the list never shows a token', async () => {
    const [ben] = [await signInCookie(stack, 'local:ben')]
    expect(await status('POST', `/api/boards/${stack.boardId}/review-links`, { cookie: ben.cookie, body: { scope: 'board', expiresInHours: 1 } })).toBe(403)
    const bad = await api('POST', `/api/boards/${stack.boardId}/review-links`, { cookie: producer.cookie, body: { scope: 'shot', expiresInHours: 1 } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.field).toBe('shotId')
    const res = await api('GET', `/api/boards/${stack.boardId}/review-links`, { cookie: producer.cookie })
    const text = await res.text()
    expect(res.status).toBe(200)
    expect(text).not.toMatch(/token|passphrase_?hash|\/r\//i)
  })
})

describe('review input', () => {
  it('refuses bad comments with a 400 naming the field and stores nothing', async () => {
    const before = (await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM comments`)[0]!.n
    const base = { variationId: inScope.variationId, body: 'Fine', timeSeconds: 1 }
    const cases: [unknown, string][] = [
      [{ ...base, body: '' }, 'body'],
      [{ ...base, body: '   \n ' }, 'body'],
      [{ ...base, region: { shape: 'rect', x: 1.4, y: 0.1, w: 0.1, h: 0.1 } }, 'region.x'],
      [{ ...base, region: { shape: 'freehand', points: [[0.1, 0.1], [0.2, -0.1]] } }, 'region.points.1.1'],
      [{ ...base, timeSeconds: 2.5 }, 'timeSeconds'],
      [{ ...base, timeSeconds: 1, endSeconds: 0.5 }, 'endSeconds'],
      [{ ...base, timeSeconds: 1, endSeconds: 9 }, 'endSeconds'],
      [{ ...base, body: 'x'.repeat(100 * 1024) }, 'body'],
      [{ ...base, variationId: 'shape:nope' }, 'variationId'],
    ]
    const got: [string, number, string | undefined][] = []
    for (const [body, field] of cases) {
      const res = await api('POST', `/api/boards/${stack.boardId}/comments`, { cookie: reviewer.cookie, body })
      got.push([field, res.status, ((await res.json()) as { error?: { field?: string } }).error?.field])
    }
    expect(got).toEqual(cases.map(([, field]) => [field, 400, field]))
    expect(await status('POST', `/api/boards/${stack.boardId}/comments`, { cookie: reviewer.cookie, body: '{"body": ' })).toBe(400)
    // Over the JSON body cap: refused before it is parsed, naming the limit.
    const huge = await api('POST', `/api/boards/${stack.boardId}/comments`, { cookie: reviewer.cookie, body: { ...base, body: 'x'.repeat(600 * 1024) } })
    expect(huge.status).toBe(413)
    expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(/larger than 512 KB/)
    expect((await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM comments`)[0]!.n).toBe(before)
  })

  it("refuses a reviewer's and an editor's decision (403, no audit row); a producer's is recorded and shown on the board", async () => {
    const count = async () => (await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM review_decisions`)[0]!.n
    const before = await count()
    const ben = await signInCookie(stack, 'local:ben')
    const decide = (cookie: string, body: unknown) => api('POST', `/api/boards/${stack.boardId}/variations/${inScope.variationId}/decision`, { cookie, body })
    expect((await decide(reviewer.cookie, { decision: 'approved' })).status).toBe(403)
    expect((await decide(ben.cookie, { decision: 'approved' })).status).toBe(403)
    expect(await count()).toBe(before)
    const badDecision = await decide(producer.cookie, { decision: 'maybe' })
    expect(badDecision.status).toBe(400)
    expect((await badDecision.json()).error.field).toBe('decision')
    expect(await count()).toBe(before)

    const res = await decide(producer.cookie, { decision: 'approved', note: 'Ship it' })
    expect(res.status).toBe(201)
    expect((await res.json()).decision).toMatchObject({ variationId: inScope.variationId, decision: 'approved', by: { id: producer.userId, name: 'Ada Moreau' }, note: 'Ship it' })
    const trail = (await (await api('GET', `/api/boards/${stack.boardId}/variations/${inScope.variationId}/decisions`, { cookie: reviewer.cookie })).json()) as { decisions: { decision: string }[] }
    expect(trail.decisions.map((d) => d.decision)).toEqual(['approved'])
    await expect
      .poll(async () => ((await storedRecord(stack.sql, stack.boardId, inScope.variationId)) as { props?: { reviewState?: string } } | undefined)?.props?.reviewState, { timeout: 20_000 })
      .toBe('approved')
  })
})

describe('notifications feed', () => {
  type Feed = { items: { type: string; seq: number; unread: boolean; actor: { name: string }; recipients?: string[]; decision?: string }[]; unread: number }
  const feedOf = async (cookie: string) => (await (await api('GET', `/api/feed?workspaceId=${stack.workspaceId}`, { cookie })).json()) as Feed

  it("tells the mentioned member and everyone of a decision; one's own actions are not unread; reading clears the count", async () => {
    // The guest mentioned Ada and Ada approved a variation in the tests above.
    const ada = await feedOf(producer.cookie)
    expect(ada.items.find((i) => i.type === 'mention')).toMatchObject({ actor: { name: 'Carla Client' }, recipients: [producer.userId], unread: true })
    expect(ada.items.find((i) => i.type === 'review.decision')).toMatchObject({ decision: 'approved', unread: false })
    expect(ada.unread).toBe(1)

    const rui = await feedOf(reviewer.cookie)
    expect(rui.items.some((i) => i.type === 'mention')).toBe(false)
    expect(rui.items.find((i) => i.type === 'review.decision')).toMatchObject({ actor: { name: 'Ada Moreau' }, unread: true })
    expect(rui.unread).toBe(1)

    const read = await api('POST', '/api/feed/read', { cookie: reviewer.cookie, body: { workspaceId: stack.workspaceId } })
    expect(read.status).toBe(200)
    expect((await feedOf(reviewer.cookie)).unread).toBe(0)
    // Ada's marker is her own.
    expect((await feedOf(producer.cookie)).unread).toBe(1)
  })
})
