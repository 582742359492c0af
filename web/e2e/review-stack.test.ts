import { mkdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { SCREENSHOT_DIR, generatePrevizVariations, newVariationId, shotVariationIds, openBoard, showShapes, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext // producer
let rui: BrowserContext // reviewer
let pageA: Page
let pageR: Page
/** A succeeded 2 s previz variation of the demo shot. */
let v1: string

const SHOT = 'shape:demo-shot-1'
const SHOTS = SCREENSHOT_DIR

const card = (page: Page, id: string) => page.locator(`[data-testid=variation][data-shape-id="${id}"]`)
/** The bell refreshes when the window regains focus; tests say so rather than wait out the 20 s poll. */
const refocus = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('focus')))
const unread = (page: Page) => page.locator('[data-testid=feed-bell]').getAttribute('data-unread')

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SHOTS, { recursive: true })
  ada = await stack.signedIn('local:ada')
  rui = await stack.signedIn('local:rui')
  pageA = await ada.newPage()
  await openBoard(pageA, stack.boardId)
  ;[v1] = (await generatePrevizVariations(pageA, SHOT, 1)) as [string]
  pageR = await rui.newPage()
  await openBoard(pageR, stack.boardId)
}, 400_000)

afterAll(async () => {
  await Promise.all([ada?.close(), rui?.close()])
  await stack?.close()
})

describe('notifications and version stacks', () => {
  it('a mention shows 1 unread on the bell of the person mentioned, not the author; opening the bell reads it', async () => {
    // Rui starts with nothing unread (Ada's new variation is news to him; he reads it).
    await refocus(pageR)
    await pageR.locator('[data-testid=feed-bell]').click()
    await pageR.locator('[data-testid=feed-item][data-type="variation.succeeded"]').waitFor({ timeout: 30_000 })
    // Opening the bell reads what it shows.
    await expect.poll(() => unread(pageR), { timeout: 10_000 }).toBe('0')
    await pageR.keyboard.press('Escape')
    // Ada's own variation is not news to her.
    await refocus(pageA)
    await expect.poll(() => unread(pageA), { timeout: 10_000 }).toBe('0')

    // Rui comments on 0.5–1.5 s over a drawn rectangle and mentions Ada.
    await showShapes(pageR, [v1])
    await card(pageR, v1).and(pageR.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 60_000 })
    await card(pageR, v1).locator('.m-variation-foot').click()
    await pageR.keyboard.press('Enter')
    const viewer = pageR.locator('[data-testid=viewer]')
    await viewer.waitFor({ timeout: 10_000 })
    await pageR.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=viewer-video]')?.readyState ?? 0) >= 2, null, { timeout: 60_000 })
    for (let i = 0; i < 12; i++) await pageR.keyboard.press('ArrowRight')
    await pageR.keyboard.press('i')
    await pageR.keyboard.press('Shift+ArrowRight')
    await pageR.keyboard.press('o')
    await viewer.locator('[data-testid=tool-rect]').click()
    const layer = await viewer.locator('[data-testid=region-layer]').boundingBox()
    if (!layer) throw new Error('no region layer')
    await pageR.mouse.move(layer.x + layer.width * 0.2, layer.y + layer.height * 0.2)
    await pageR.mouse.down()
    await pageR.mouse.move(layer.x + layer.width * 0.6, layer.y + layer.height * 0.6, { steps: 6 })
    await pageR.mouse.up()
    await expect.poll(() => viewer.locator('[data-testid=composer-attachments]').textContent()).toMatch(/0\.50.*1\.50.*rectangle/)
    const input = viewer.locator('[data-testid=comment-input]')
    await input.click()
    await input.pressSequentially('Warmer light on the face here ')
    await input.pressSequentially('@Ad')
    await viewer.locator('[data-testid=mention-option]').first().waitFor({ timeout: 10_000 })
    await pageR.keyboard.press('Enter')
    await viewer.locator('[data-testid=comment-submit]').click()
    await expect.poll(() => viewer.locator('[data-testid=thread-body]').first().textContent(), { timeout: 20_000 }).toContain('Warmer light')
    // A reviewer cannot start edits: no thread action for him.
    expect(await viewer.locator('[data-testid=thread-edit]').count()).toBe(0)
    await pageR.keyboard.press('Escape')

    // Ada's bell: one unread, the mention, by Rui. Rui's: still nothing.
    await refocus(pageA)
    await expect.poll(() => unread(pageA), { timeout: 20_000 }).toBe('1')
    await refocus(pageR)
    await expect.poll(() => unread(pageR), { timeout: 10_000 }).toBe('0')
    await pageA.locator('[data-testid=feed-bell]').click()
    const mention = pageA.locator('[data-testid=feed-item][data-type=mention]')
    await mention.waitFor({ timeout: 10_000 })
    expect(await mention.getAttribute('data-unread')).toBe('true')
    expect(await mention.textContent()).toMatch(/Rui.*mentioned you.*Warmer light/)
    await pageA.screenshot({ path: `${SHOTS}/bell-open.png` })
    // Opening the bell reads it: the count clears at once; the entry keeps its dot until the next refresh.
    await expect.poll(() => unread(pageA), { timeout: 10_000 }).toBe('0')
    expect(await pageA.locator('[data-testid=feed-unread]').count()).toBe(0)
    await refocus(pageA)
    await expect.poll(() => mention.getAttribute('data-unread')).toBe('false')

    // Clicking the mention opens the commented variation.
    await mention.click()
    await pageA.locator(`[data-testid=viewer][data-variation-id="${v1}"]`).waitFor({ timeout: 10_000 })
  })

  it('"Edit from comment" starts an edit of the commented variation carrying the focus; it joins the version strip as an edit of v1', async () => {
    const viewer = pageA.locator('[data-testid=viewer]')
    const thread = viewer.locator('[data-testid=thread]').first()
    await thread.waitFor({ timeout: 20_000 })
    const commentId = await thread.getAttribute('data-thread-id')
    const before = await shotVariationIds(pageA, SHOT)
    await thread.locator('[data-testid=thread-edit]').click()
    const dialog = pageA.locator('[data-testid=edit-from-comment]')
    await dialog.waitFor({ timeout: 10_000 })
    expect(await dialog.locator('[data-testid=edit-note]').textContent()).toContain('Warmer light on the face here')
    expect(await dialog.locator('[data-testid=edit-focus]').textContent()).toMatch(/0\.50.*1\.50.*rectangle/)
    await pageA.screenshot({ path: `${SHOTS}/edit-from-comment.png` })
    await dialog.locator('[data-testid=efc-relight-golden_hour]').click()
    await dialog.waitFor({ state: 'detached', timeout: 20_000 })

    const v2 = await newVariationId(pageA, SHOT, before)
    await expect.poll(async () => (await stack.sql`SELECT 1 FROM generations WHERE variation_id = ${v2}`).length, { timeout: 20_000 }).toBe(1)
    const [row] = await stack.sql<{ params: { preset: string; focus: { startSeconds: number; endSeconds: number; region: { shape: string; x: number; w: number }; commentId: string } }; parentVariation: string }[]>`
      SELECT g.params, p.variation_id AS "parentVariation" FROM generations g JOIN generations p ON p.id = g.parent_generation_id WHERE g.variation_id = ${v2}`
    expect(row!.parentVariation).toBe(v1)
    expect(row!.params.preset).toBe('golden_hour')
    expect(row!.params.focus.startSeconds).toBeCloseTo(0.5, 2)
    expect(row!.params.focus.endSeconds).toBeCloseTo(1.5, 2)
    expect(row!.params.focus.region.shape).toBe('rect')
    expect(row!.params.focus.region.x).toBeCloseTo(0.2, 1)
    expect(row!.params.focus.commentId).toBe(commentId)

    // A focus outside the frame or past the clip's end is refused, naming the field, and stores nothing.
    const generationId = (await stack.sql<{ id: string }[]>`SELECT id FROM generations WHERE variation_id = ${v1}`)[0]!.id
    const count = async () => Number((await stack.sql<{ n: string }[]>`SELECT count(*) AS n FROM generations`)[0]!.n)
    const stored = await count()
    const relight = { model: 'relight', params: { preset: 'night' } }
    for (const [body, field] of [
      [{ ...relight, focus: { startSeconds: 0.5, region: { shape: 'rect', x: 2, y: 0, w: 0.1, h: 0.1 } } }, 'focus.region.x'],
      [{ ...relight, focus: { startSeconds: 9 } }, 'focus.startSeconds'],
      [{ ...relight, focus: { startSeconds: 1, endSeconds: 0.5 } }, 'focus.endSeconds'],
      // An upscale changes every pixel's place: it cannot keep to a region.
      [{ model: 'upscale', params: { factor: 2 }, focus: { startSeconds: 0.5 } }, 'focus'],
    ] as const) {
      const bad = await ada.request.post(`/api/generations/${generationId}/edit`, { data: body })
      expect(bad.status(), field).toBe(400)
      expect((await bad.json()).error.field).toBe(field)
    }
    expect(await count()).toBe(stored)

    // The viewer's strip: v1 and the edit, labelled as a relight of v1, which opens with ].
    const edit = viewer.locator(`[data-testid=version][data-variation-id="${v2}"]`)
    await edit.waitFor({ timeout: 30_000 })
    // The edit's placeholder shows before the server's first command gives it its parent.
    await expect.poll(() => edit.getAttribute('data-parent-id'), { timeout: 30_000 }).toBe(v1)
    // Numbered by creation order within the shot (the shot may hold other variations before v1).
    const n1 = (await viewer.locator(`[data-testid=version][data-variation-id="${v1}"] [data-testid=version-label]`).textContent())!
    expect(n1).toMatch(/^v\d+$/)
    expect(await edit.locator('[data-testid=version-label]').textContent()).toMatch(new RegExp(`^v\\d+ · relight of ${n1}$`))
    await expect.poll(() => edit.isDisabled(), { timeout: 240_000 }).toBe(false)
    // Its poster shows in the strip once it has finished.
    await expect.poll(() => edit.locator('.m-version-thumb').evaluate((e) => getComputedStyle(e).backgroundImage), { timeout: 15_000 }).toMatch(/^url\(/)
    await pageA.screenshot({ path: `${SHOTS}/version-strip.png` })
    await pageA.keyboard.press(']')
    await pageA.locator(`[data-testid=viewer][data-variation-id="${v2}"]`).waitFor({ timeout: 10_000 })
    await pageA.keyboard.press('[')
    await pageA.locator(`[data-testid=viewer][data-variation-id="${v1}"]`).waitFor({ timeout: 10_000 })
    await pageA.keyboard.press('Escape')

    // On the board, the edit's card says what it was made from.
    await showShapes(pageA, [v1, v2])
    await expect.poll(() => card(pageA, v2).locator('[data-testid=edit-of]').textContent(), { timeout: 10_000 }).toBe(`Edit of ${n1}`)
    expect(await card(pageA, v1).locator('[data-testid=edit-of]').count()).toBe(0)
    await pageA.screenshot({ path: `${SHOTS}/board-edit-of.png` })
  })
})
