import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { SCREENSHOT_DIR, generatePrevizVariations, openBoard, showShapes, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext // producer
let rui: BrowserContext // reviewer
let pageA: Page
/** Two succeeded 2 s previz variations of the demo shot, made once for both tests. */
let variations: [string, string]

const SHOT = 'shape:demo-shot-1'
const FRAME = 1 / 24
const SCREENSHOTS = SCREENSHOT_DIR

const card = (page: Page, id: string) => page.locator(`[data-testid=variation][data-shape-id="${id}"]`)

async function viewerVideoReady(page: Page, testId = 'viewer-video') {
  await page.waitForFunction((id) => {
    const v = document.querySelector<HTMLVideoElement>(`[data-testid=${id}]`)
    return !!v && v.readyState >= 2
  }, testId, { timeout: 60_000, polling: 100 })
}

const currentTime = (page: Page, testId = 'viewer-video') => page.locator(`[data-testid=${testId}]`).evaluate((v) => (v as HTMLVideoElement).currentTime)

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SCREENSHOTS, { recursive: true })
  ada = await stack.signedIn('local:ada')
  rui = await stack.signedIn('local:rui')
  pageA = await ada.newPage()
  await openBoard(pageA, stack.boardId)
  variations = (await generatePrevizVariations(pageA, SHOT, 2)) as [string, string]
}, 400_000)

afterAll(async () => {
  await Promise.all([ada?.close(), rui?.close()])
  await stack?.close()
})

describe('review', () => {
  it('a reviewer comments at 1.2 s on a drawn region; the producer sees the pin live, opens it at that frame and approves; the reviewer cannot', async () => {
    const [variationId] = variations
    const pageR = await rui.newPage()
    await openBoard(pageR, stack.boardId)
    const cardR = card(pageR, variationId)
    await cardR.and(pageR.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 60_000 })

    // Rui selects the card and presses Enter: the viewer opens, paused on the first frame.
    await showShapes(pageR, [variationId])
    await cardR.locator('.m-variation-foot').click()
    await pageR.keyboard.press('Enter')
    const viewer = pageR.locator('[data-testid=viewer]')
    await viewer.waitFor({ timeout: 10_000 })
    await viewerVideoReady(pageR)
    expect(await viewer.locator('[data-testid=approve]').count()).toBe(0)
    expect(await viewer.locator('[data-testid=request-changes]').count()).toBe(0)

    // One second forward, then five frames: 29 / 24 ≈ 1.21 s.
    await pageR.keyboard.press('Shift+ArrowRight')
    for (let i = 0; i < 5; i++) await pageR.keyboard.press('ArrowRight')
    await expect.poll(() => currentTime(pageR)).toBeCloseTo(29 / 24, 3)
    await expect.poll(() => viewer.locator('[data-testid=timecode]').textContent()).toContain('1.21 s · f 29')

    // A rectangle over the middle of the frame.
    await viewer.locator('[data-testid=tool-rect]').click()
    const layer = await viewer.locator('[data-testid=region-layer]').boundingBox()
    if (!layer) throw new Error('no region layer')
    await pageR.mouse.move(layer.x + layer.width * 0.3, layer.y + layer.height * 0.25)
    await pageR.mouse.down()
    await pageR.mouse.move(layer.x + layer.width * 0.5, layer.y + layer.height * 0.5, { steps: 5 })
    await pageR.mouse.move(layer.x + layer.width * 0.65, layer.y + layer.height * 0.7, { steps: 5 })
    await pageR.mouse.up()
    await expect.poll(() => viewer.locator('[data-testid=composer-attachments]').textContent()).toMatch(/at 1\.21 s.*rectangle/)

    // The comment, with an @mention picked from the members list.
    const input = viewer.locator('[data-testid=comment-input]')
    await input.click()
    await input.pressSequentially('The horizon tilts here, ')
    await input.pressSequentially('@Ad')
    await viewer.locator('[data-testid=mention-option]').first().waitFor({ timeout: 10_000 })
    await pageR.keyboard.press('Enter')
    // Typed straight after picking the mention: the caret used to be placed a frame late, so these keys landed at the end.
    await input.pressSequentially('can you check?')
    await expect.poll(() => input.inputValue()).toMatch(/^The horizon tilts here, @Ada[^@]* can you check\?$/)
    await viewer.locator('[data-testid=comment-submit]').click()
    const thread = viewer.locator('[data-testid=thread]').first()
    await expect.poll(() => thread.locator('[data-testid=thread-body]').textContent(), { timeout: 20_000 }).toContain('The horizon tilts here')
    await expect(input.inputValue()).resolves.toBe('')
    await expect.poll(() => viewer.locator('[data-testid=region][data-shape=rect]').count()).toBe(1)
    await pageR.screenshot({ path: path.join(SCREENSHOTS, 'review-viewer.png') })

    const [stored] = await stack.sql<{ timeSeconds: number; region: { shape: string; x: number; y: number; w: number; h: number } }[]>`
      SELECT time_seconds AS "timeSeconds", region FROM comments WHERE variation_id = ${variationId}`
    expect(Number(stored!.timeSeconds)).toBeCloseTo(29 / 24, 2)
    expect(stored!.region).toMatchObject({ shape: 'rect' })
    expect(stored!.region.x).toBeCloseTo(0.3, 1)
    expect(stored!.region.w).toBeCloseTo(0.35, 1)

    // Ada has had the board open all along: the pin appears on the card without a reload.
    const cardA = card(pageA, variationId)
    await showShapes(pageA, [variationId])
    const pin = cardA.locator('[data-testid=card-pin]')
    await expect.poll(() => pin.count(), { timeout: 30_000 }).toBe(1)
    await expect.poll(() => cardA.locator('[data-testid=comment-count]').textContent()).toContain('1')
    await pin.click()
    const viewerA = pageA.locator('[data-testid=viewer]')
    await viewerA.waitFor({ timeout: 10_000 })
    await viewerVideoReady(pageA)
    await expect.poll(async () => Math.abs((await currentTime(pageA)) - 1.2), { timeout: 10_000 }).toBeLessThanOrEqual(FRAME)
    await expect.poll(() => viewerA.locator('[data-testid=region][data-shape=rect]').count(), { timeout: 10_000 }).toBe(1)
    expect(await viewerA.locator('[data-testid=thread][data-thread-id]').first().getAttribute('class')).toContain('m-thread-selected')

    await viewerA.locator('[data-testid=approve]').click()
    await viewerA.locator('[data-testid=decision-submit]').click()
    await expect.poll(() => viewerA.locator('[data-testid=review-state]').getAttribute('data-state'), { timeout: 20_000 }).toBe('approved')

    // Ada resolves the thread: it folds into "Resolved", and the card's pin turns grey for everyone.
    await viewerA.locator('[data-testid=thread-resolve]').click()
    await viewerA.locator('[data-testid=toggle-resolved]').waitFor({ timeout: 10_000 })
    await expect.poll(() => card(pageR, variationId).locator('[data-testid=card-pin]').getAttribute('class'), { timeout: 30_000 }).toContain('m-pin-resolved')
    await pageA.keyboard.press('Escape')
    await viewerA.waitFor({ state: 'detached' })
    for (const page of [pageA, pageR]) {
      await expect.poll(() => card(page, variationId).locator('[data-testid=review-state]').textContent(), { timeout: 30_000 }).toContain('Approved')
    }

    // The reviewer's own attempt, past the UI, is refused.
    const refused = await rui.request.post(`/api/boards/${stack.boardId}/variations/${encodeURIComponent(variationId)}/decision`, { data: { decision: 'approved' } })
    expect(refused.status()).toBe(403)

    // An approved variation stays on the board: Delete is refused with a notice.
    await cardA.locator('.m-variation-foot').click()
    await pageA.keyboard.press('Delete')
    await pageA.locator('[data-testid=review-notice]').waitFor({ timeout: 5_000 })
    expect(await card(pageA, variationId).count()).toBe(1)
    await pageA.screenshot({ path: '/tmp/shots-review-ui/board-approved.png' })
    await pageR.close()
  })

  it('compares two variations side by side and with an A/B wipe, both videos kept in sync', async () => {
    const [a, b] = variations
    await showShapes(pageA, [a, b])
    await card(pageA, a).locator('.m-variation-foot').click()
    await card(pageA, b).locator('.m-variation-foot').click({ modifiers: ['Shift'] })
    await pageA.keyboard.press('c')
    const compare = pageA.locator('[data-testid=compare]')
    await compare.waitFor({ timeout: 10_000 })
    await viewerVideoReady(pageA, 'compare-video-a')
    await viewerVideoReady(pageA, 'compare-video-b')

    // Seek A by the scrub bar; B follows to within a frame.
    const bar = await compare.locator('[data-testid=scrub-bar]').boundingBox()
    if (!bar) throw new Error('no scrub bar')
    await pageA.mouse.click(bar.x + bar.width * 0.6, bar.y + bar.height / 2)
    await expect.poll(async () => Math.abs((await currentTime(pageA, 'compare-video-a')) - (await currentTime(pageA, 'compare-video-b'))), { timeout: 10_000 }).toBeLessThanOrEqual(FRAME)
    expect(await currentTime(pageA, 'compare-video-a')).toBeGreaterThan(0.9)

    await compare.locator('[data-testid=compare-wipe]').click()
    await expect.poll(() => compare.getAttribute('data-mode')).toBe('wipe')
    await compare.locator('[data-testid=wipe-slider]').fill('0.4')
    await compare.getByRole('button', { name: 'Next frame' }).click()
    await expect.poll(async () => Math.abs((await currentTime(pageA, 'compare-video-a')) - (await currentTime(pageA, 'compare-video-b'))), { timeout: 10_000 }).toBeLessThanOrEqual(FRAME)
    await pageA.screenshot({ path: path.join(SCREENSHOTS, 'compare.png') })
    await pageA.keyboard.press('Escape')
    await compare.waitFor({ state: 'detached' })
  })

  it('a guest opens a review link with a passphrase, views and comments (no approve); once revoked the link says it has expired', async () => {
    const [variationId] = variations
    await pageA.locator('.tl-canvas').click({ position: { x: 40, y: 600 } })
    await pageA.locator('[data-testid=share-review]').click()
    const dialog = pageA.locator('[data-testid=share-dialog]')
    await dialog.waitFor()
    await dialog.locator('[data-testid=share-scope-board]').click()
    await dialog.locator('[data-testid=share-passphrase]').fill('lighthouse-42')
    await dialog.locator('[data-testid=share-create]').click()
    const url = await dialog.locator('[data-testid=share-url]').inputValue({ timeout: 20_000 })
    expect(url).toMatch(/\/r\/[^/]+$/)
    await expect.poll(() => dialog.locator('[data-testid=share-link][data-revoked=false]').count()).toBe(1)
    await pageA.screenshot({ path: '/tmp/shots-review-ui/share.png' })

    const guest = await stack.browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await guest.newPage()
    await page.goto(url)
    const form = page.locator('[data-testid=guest-sign-in]')
    await form.waitFor({ timeout: 30_000 })
    await form.locator('[data-testid=guest-name]').fill('Gia Guest')
    await form.locator('[data-testid=guest-passphrase]').fill('not-the-one')
    await form.locator('[data-testid=guest-continue]').click()
    await form.locator('[data-testid=guest-error]').waitFor()
    await form.locator('[data-testid=guest-passphrase]').fill('lighthouse-42')
    await form.locator('[data-testid=guest-continue]').click()
    await page.locator('[data-testid=guest-review]').waitFor({ timeout: 20_000 })
    // The cards show a frame of each clip (served through the link, not the member asset route).
    await page.waitForFunction((id) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid=guest-variation][data-variation-id="${id}"] video`)
      return !!v && v.readyState >= 2
    }, variationId, { timeout: 20_000 })
    await page.screenshot({ path: '/tmp/shots-review-ui/guest-page.png' })

    await page.locator(`[data-testid=guest-variation][data-variation-id="${variationId}"]`).click()
    const viewer = page.locator('[data-testid=viewer]')
    await viewer.waitFor()
    await viewerVideoReady(page)
    expect(await viewer.locator('[data-testid=approve]').count()).toBe(0)
    // Rui's thread, which Ada resolved: folded away under "Resolved (1)".
    await expect.poll(() => viewer.locator('[data-testid=toggle-resolved]').textContent(), { timeout: 10_000 }).toContain('Resolved (1)')
    await viewer.locator('[data-testid=comment-input]').fill('Lovely light on the water.')
    await viewer.locator('[data-testid=comment-submit]').click()
    await expect.poll(() => viewer.locator('[data-testid=thread]').first().textContent(), { timeout: 20_000 }).toContain('Gia Guest')
    await page.screenshot({ path: '/tmp/shots-review-ui/guest-viewer.png' })

    // Revoking asks first; keeping the link changes nothing.
    await dialog.locator('[data-testid=share-revoke]').first().click()
    await dialog.getByRole('button', { name: 'Keep' }).click()
    expect(await dialog.locator('[data-testid=share-link][data-revoked=true]').count()).toBe(0)
    await dialog.locator('[data-testid=share-revoke]').first().click()
    await dialog.locator('[data-testid=share-revoke-confirm]').click()
    await expect.poll(() => dialog.locator('[data-testid=share-link][data-revoked=true]').count(), { timeout: 10_000 }).toBe(1)
    await page.reload()
    await page.locator('[data-testid=review-link-expired]').waitFor({ timeout: 20_000 })
    expect(await page.getByText('This review link has expired').count()).toBe(1)
    await page.screenshot({ path: '/tmp/shots-review-ui/guest-expired.png' })
    await guest.close()
  })
})
