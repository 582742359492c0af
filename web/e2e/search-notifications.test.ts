import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { randomUUID } from 'node:crypto'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TComment, TFeedResponse, TSearchResponse } from '@montage/core'
import { createBoard, createComment, createWorkspace, upsertUser } from '@montage/db'
import { SCREENSHOT_DIR, openBoard, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, signInCookie, type SucceededVariation } from './review-fixtures'
import { startSmtpCatcher, type TCaughtMail } from './smtp-catcher'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const FFMPEG = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path
const SHOT = 'shape:demo-shot-1'

let stack: E2EStack
let catcher: Awaited<ReturnType<typeof startSmtpCatcher>>
let ada: { cookie: string; userId: string } // producer, who made the variation: the shot's owner
let rui: { cookie: string; userId: string } // reviewer
let ben: { cookie: string; userId: string } // editor
let v1: SucceededVariation
let adaBrowser: BrowserContext | undefined

async function api(method: string, urlPath: string, opts: { cookie?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  if (opts.cookie) headers.cookie = opts.cookie
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  return fetch(`${stack.baseUrl}${urlPath}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
}
const search = async (cookie: string, q: string, workspaceId = stack.workspaceId) => api('GET', `/api/search?workspaceId=${workspaceId}&q=${encodeURIComponent(q)}`, { cookie })
const feedOf = async (cookie: string) => (await (await api('GET', `/api/feed?workspaceId=${stack.workspaceId}`, { cookie })).json()) as TFeedResponse
async function comment(cookie: string, body: object): Promise<TComment> {
  const res = await api('POST', `/api/boards/${stack.boardId}/comments`, { cookie, body: { variationId: v1.variationId, ...body } })
  expect(res.status).toBe(201)
  return ((await res.json()) as { comment: TComment }).comment
}
const mailsTo = (address: string): TCaughtMail[] => catcher.mails.filter((m) => m.to.includes(address))

beforeAll(async () => {
  catcher = await startSmtpCatcher()
  stack = await startE2EStack({ services: ['web', 'collab-server'], env: { SMTP_URL: catcher.url, SMTP_FROM: 'Montage <bell@montage.test>', APP_PUBLIC_URL: 'https://montage.test' } })
  ada = await signInCookie(stack, 'local:ada')
  rui = await signInCookie(stack, 'local:rui')
  ben = await signInCookie(stack, 'local:ben')
  // The demo people have no address of their own; these are where their mail goes.
  for (const [who, address] of [[ada, 'ada@studio.test'], [rui, 'rui@studio.test'], [ben, 'ben@studio.test']] as const) {
    await stack.sql`UPDATE users SET email = ${address} WHERE id = ${who.userId}`
  }
  const dir = path.join(stack.dataDir, 'fixtures')
  await mkdir(dir, { recursive: true })
  const [video, poster] = [path.join(dir, 'clip.mp4'), path.join(dir, 'poster.png')]
  await run(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=24', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart', video])
  await run(FFMPEG, ['-v', 'error', '-y', '-i', video, '-frames:v', '1', poster])
  v1 = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SHOT, createdBy: ada.userId, media: { video: await readFile(video), poster: await readFile(poster) } })
  // The prompt it was started with, as the generation route stores it.
  await stack.sql`UPDATE generations SET request = ${stack.sql.json({ prompt: 'Gulls wheel over @lighthouse, waves crashing below' })} WHERE id = ${v1.generationId}`
  await stack.sql`INSERT INTO library_references (workspace_id, tag, kind, name) VALUES (${stack.workspaceId}, 'lighthouse', 'location', 'North point light')`
}, 300_000)

afterAll(async () => {
  await adaBrowser?.close()
  await stack?.close()
  await catcher?.close()
})

describe('search', () => {
  it('refuses a search without words, naming q, and a workspace the caller is not in', async () => {
    for (const q of ['', '   ', '?!*']) {
      const res = await search(ada.cookie, q)
      expect(res.status).toBe(400)
      expect(JSON.stringify(await res.json())).toMatch(/q/)
    }
    expect((await search(ada.cookie, 'x'.repeat(201))).status).toBe(400)
    expect((await api('GET', `/api/search?q=gulls`, { cookie: ada.cookie })).status).toBe(400)
    const other = await upsertUser(stack.sql, { authSubject: `test:${randomUUID()}`, name: 'Olga Other' })
    const ws = await createWorkspace(stack.sql, { name: 'Elsewhere', ownerId: other.id })
    expect((await search(ada.cookie, 'gulls', ws.id)).status).toBe(404)
  })

  it('finds a prompt word, a tag, a comment and the board’s shot; nothing from another workspace', async () => {
    // Another workspace with the same words everywhere.
    const olga = await upsertUser(stack.sql, { authSubject: `test:${randomUUID()}`, name: 'Olga Gulls' })
    const ws = await createWorkspace(stack.sql, { name: 'Rival', ownerId: olga.id })
    const board = await createBoard(stack.sql, { workspaceId: ws.id, name: 'Gulls and lighthouse', createdBy: olga.id })
    await stack.sql`INSERT INTO library_references (workspace_id, tag, kind, name) VALUES (${ws.id}, 'lighthouse', 'location', 'Rival light')`
    await createComment(stack.sql, { boardId: board.id, variationId: 'shape:x', parentId: null, author: { id: olga.id, name: 'Olga Gulls' }, body: 'The horizon gulls are crooked', mentions: [], timeSeconds: null, endSeconds: null, region: null })

    await comment(rui.cookie, { body: 'The horizon tilts here', timeSeconds: 1.2 })
    const hits = async (q: string) => ((await (await search(rui.cookie, q)).json()) as TSearchResponse).items

    const prompt = await hits('gulls')
    expect(prompt.map((h) => [h.kind, h.boardId, h.shapeId])).toEqual([['prompt', stack.boardId, v1.variationId]])

    const tag = (await hits('@lighth')).filter((h) => h.kind === 'tag')
    expect(tag.map((h) => [h.title, h.text, h.boardId, h.shapeId])).toEqual([['@lighthouse', 'North point light', stack.boardId, v1.variationId]])

    const found = await hits('horizon')
    expect(found.map((h) => [h.kind, h.text, h.boardId, h.timeSeconds])).toEqual([['comment', 'The horizon tilts here', stack.boardId, 1.2]])

    // The demo shot lives in the board document: the collab-server indexed it when it stored the board.
    await expect.poll(async () => (await hits('lamp turning')).map((h) => [h.kind, h.title, h.shapeId]), { timeout: 20_000 }).toEqual([['shot', 'Shot 1 — Opening', SHOT]])

    const people = await hits('olga')
    expect(people).toEqual([])
    expect((await hits('rui')).map((h) => [h.kind, h.id])).toEqual([['person', rui.userId]])
  })
})

describe('notifications', () => {
  it('a comment reaches the shot’s owner, a reply everyone in the thread, a mention only as a mention; emails follow each person’s preference', async () => {
    expect((await api('PUT', '/api/me/notifications', { cookie: ada.cookie, body: { email: 'all' } })).status).toBe(200)
    expect((await api('PUT', '/api/me/notifications', { cookie: ben.cookie, body: { email: 'off' } })).status).toBe(200)
    const bad = await api('PUT', '/api/me/notifications', { cookie: rui.cookie, body: { email: 'weekly' } })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toMatch(/email/)
    expect(((await (await api('GET', '/api/me/notifications', { cookie: rui.cookie })).json()) as { email: string }).email).toBe('mentions')

    // Rui comments on Ada's variation without naming anyone: Ada (who made it) hears of it.
    const root = await comment(rui.cookie, { body: 'Sky looks flat at the start', timeSeconds: 0.5, endSeconds: 1.5, region: { shape: 'rect', x: 0.1, y: 0.1, w: 0.4, h: 0.3 } })
    const adaFeed = await feedOf(ada.cookie)
    const told = adaFeed.items.find((i) => i.type === 'comment' && i.commentId === root.id)
    expect(told).toMatchObject({ type: 'comment', threadId: root.id, timeSeconds: 0.5, reply: false, actor: { id: rui.userId } })
    expect((await feedOf(ben.cookie)).items.some((i) => i.id === `comment:${root.id}`)).toBe(false)
    // Ada takes all email: one arrives, naming Rui and linking to the thread at its time.
    await expect.poll(() => mailsTo('ada@studio.test').length, { timeout: 20_000 }).toBe(1)
    const mail = mailsTo('ada@studio.test')[0]!
    expect(mail.from).toBe('bell@montage.test')
    expect(mail.subject).toBe('Rui Tanaka commented on Lighthouse — launch film')
    expect(mail.text).toContain('Sky looks flat at the start')
    expect(mail.text).toContain(`https://montage.test/boards/${stack.boardId}?focus=${encodeURIComponent(v1.variationId)}&thread=${root.id}&t=0.5`)

    // Ben replies: Rui (in the thread) and Ada (the shot's owner) hear of it; Ben does not.
    const reply = await comment(ben.cookie, { body: 'Agreed, needs clouds', parentId: root.id })
    for (const person of [rui, ada]) {
      expect((await feedOf(person.cookie)).items.find((i) => i.id === `comment:${reply.id}`)).toMatchObject({ type: 'comment', reply: true, threadId: root.id })
    }
    expect((await feedOf(ben.cookie)).items.some((i) => i.id === `comment:${reply.id}`)).toBe(false)
    await expect.poll(() => mailsTo('ada@studio.test').length, { timeout: 20_000 }).toBe(2)

    // Rui answers in the thread: Ben (who wrote in it) hears of it in the bell, but chose no email.
    const answer = await comment(rui.cookie, { body: 'Clouds added in the next pass?', parentId: root.id })
    expect((await feedOf(ben.cookie)).items.find((i) => i.id === `comment:${answer.id}`)).toMatchObject({ type: 'comment', reply: true })
    await expect.poll(() => mailsTo('ada@studio.test').length, { timeout: 20_000 }).toBe(3)

    // Ben mentions Rui in the thread: Rui gets the mention (not also a comment); Rui takes mention emails only.
    const mention = await comment(ben.cookie, { body: 'What do you think, @Rui Tanaka?', parentId: root.id })
    const ruiFeed = await feedOf(rui.cookie)
    expect(ruiFeed.items.find((i) => i.id === `mention:${mention.id}`)).toMatchObject({ type: 'mention', threadId: root.id })
    expect(ruiFeed.items.some((i) => i.id === `comment:${mention.id}`)).toBe(false)
    await expect.poll(() => mailsTo('rui@studio.test').map((m) => m.subject), { timeout: 20_000 }).toEqual(['Ben Okafor mentioned you on Lighthouse — launch film'])
    await expect.poll(() => mailsTo('ada@studio.test').length, { timeout: 20_000 }).toBe(4)
    // Ben chose no email, and nobody is told of their own comment.
    expect(mailsTo('ben@studio.test')).toEqual([])
  })

  it('a decision names the version and the shot', async () => {
    const res = await api('POST', `/api/boards/${stack.boardId}/variations/${encodeURIComponent(v1.variationId)}/decision`, { cookie: ada.cookie, body: { decision: 'approved' } })
    expect(res.status).toBe(201)
    const item = (await feedOf(rui.cookie)).items.find((i) => i.type === 'review.decision')
    expect(item).toMatchObject({ type: 'review.decision', variationId: v1.variationId, version: 1, shotTitle: 'Shot 1 — Opening' })
  })

  it('opening the bell in one tab clears the count in the other; a comment notification opens the viewer at its time and thread; the search box finds and zooms', async () => {
    adaBrowser = await stack.signedIn('local:ada')
    const tab1 = await adaBrowser.newPage()
    const tab2 = await adaBrowser.newPage()
    await openBoard(tab1, stack.boardId)
    await openBoard(tab2, stack.boardId)
    const unread = (page: Page) => page.locator('[data-testid=feed-bell]').getAttribute('data-unread')
    // Rui's thread and Ben's replies are unread for Ada in both tabs.
    for (const tab of [tab1, tab2]) await expect.poll(() => unread(tab), { timeout: 20_000 }).not.toBe('0')

    await tab1.locator('[data-testid=feed-bell]').click()
    const item = tab1.locator('[data-testid=feed-item][data-type=comment]', { hasText: 'Sky looks flat' })
    await item.waitFor({ timeout: 10_000 })
    expect(await item.textContent()).toMatch(/Rui Tanaka.*commented on your shot.*Sky looks flat/)
    // Reading in tab 1 clears tab 2's count without tab 2 asking the server (no focus, long before its 20 s poll).
    await expect.poll(() => unread(tab1), { timeout: 5_000 }).toBe('0')
    await expect.poll(() => unread(tab2), { timeout: 3_000 }).toBe('0')

    await item.click()
    const viewer = tab1.locator(`[data-testid=viewer][data-variation-id="${v1.variationId}"]`)
    await viewer.waitFor({ timeout: 15_000 })
    await tab1.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=viewer-video]')?.readyState ?? 0) >= 2, null, { timeout: 60_000 })
    await expect.poll(() => tab1.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=viewer-video]')!.currentTime), { timeout: 10_000 }).toBeCloseTo(0.5, 1)
    const selected = viewer.locator('[data-testid=thread].m-thread-selected')
    await selected.waitFor({ timeout: 10_000 })
    expect(await selected.textContent()).toContain('Sky looks flat')
    // Its region is drawn over the frame.
    await viewer.locator('[data-testid=region-layer] [data-testid=region][data-shape=rect]').waitFor({ timeout: 10_000 })
    await tab1.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached', timeout: 10_000 })

    // The search box: "/" opens it, a prompt word finds the variation, Enter zooms the canvas to it.
    await tab1.locator('.tl-canvas').click({ position: { x: 20, y: 200 } })
    await tab1.keyboard.press('/')
    const dialog = tab1.locator('[data-testid=search-dialog]')
    await dialog.waitFor({ timeout: 5_000 })
    await tab1.locator('[data-testid=search-input]').fill('lighth')
    await tab1.locator('[data-testid=search-hit]').first().waitFor({ timeout: 10_000 })
    const kinds = await tab1.locator('[data-testid=search-hit]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))
    expect(kinds).toEqual(expect.arrayContaining(['shot', 'prompt', 'tag']))
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await tab1.screenshot({ path: path.join(SCREENSHOT_DIR, 'search-box.png') })
    await tab1.locator('[data-testid=search-input]').fill('gulls')
    await expect.poll(() => tab1.locator('[data-testid=search-hit]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))), { timeout: 10_000 }).toEqual(['prompt'])
    await tab1.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached', timeout: 5_000 })
    await expect
      .poll(() => tab1.evaluate(() => (window as unknown as { __montageEditor: { getSelectedShapeIds(): string[] } }).__montageEditor.getSelectedShapeIds()), { timeout: 5_000 })
      .toEqual([v1.variationId])
    // Ctrl+K opens it too.
    await tab1.keyboard.press('Control+k')
    await dialog.waitFor({ timeout: 5_000 })
    await tab1.keyboard.press('Escape')
  })
})
