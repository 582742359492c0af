import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Editor, TLShape } from 'tldraw'
import { SCREENSHOT_DIR, openBoard, shotVariationIds, startE2EStack, type E2EStack } from './harness'

/** The seeded shot: "Slow push in on @lighthouse at dusk …", linked to the @lighthouse reference. */
const SHOT = 'shape:demo-shot-1'
const SHOTS = SCREENSHOT_DIR

let stack: E2EStack

beforeAll(async () => {
  stack = await startE2EStack()
})

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return
  await mkdir(SHOTS, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(SHOTS, `provenance-failed-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await stack?.close()
})

async function show(page: Page, id: string) {
  await page.evaluate((id) => {
    const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
    const b = editor.getShapePageBounds(id as TLShape['id'])
    if (b) editor.zoomToBounds(b, { targetZoom: 1, inset: 160 })
  }, id)
}

const variationIds = (page: Page) => shotVariationIds(page, SHOT)

describe('a generated clip on the board', () => {
  it('lists the @tags it was made with on its card and in the viewer, and hover-scrubs its poster once paused', async () => {
    const ada = await stack.signedIn('local:ada')
    const page = await ada.newPage()
    await page.setViewportSize({ width: 1400, height: 860 })
    await openBoard(page, stack.boardId)
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await show(page, SHOT)
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-duration]').selectOption('2')
    const before = await variationIds(page)
    await shot.locator('[data-testid=generate]', { hasText: /2 credits/ }).click()
    await expect.poll(async () => (await variationIds(page)).find((id) => !before.includes(id)) ?? null, { timeout: 30_000 }).not.toBeNull()
    const id = (await variationIds(page)).find((v) => !before.includes(v))!
    const card = page.locator(`[data-testid=variation][data-shape-id="${id}"]`)
    await show(page, id)

    // It plays as it lands, and its footer names the reference the prompt tagged.
    const video = card.locator('[data-testid=variation-video]')
    await video.waitFor({ timeout: 180_000 })
    await expect.poll(() => card.locator('[data-testid=provenance-tag]').allTextContents(), { timeout: 30_000 }).toEqual(['@lighthouse'])
    expect(await card.locator('.m-variation-foot').getAttribute('title')).toMatch(/References: @lighthouse/)

    // Paused, the card shows its poster and the strip frame under the pointer follows it.
    await page.waitForFunction((el) => (el as HTMLVideoElement).readyState >= 2, await video.elementHandle(), { timeout: 60_000 })
    await video.evaluate((v) => (v as HTMLVideoElement).pause())
    const scrub = card.locator('[data-testid=scrub]')
    await scrub.waitFor({ timeout: 10_000 })
    expect(await card.locator('[data-testid=variation-video]').count()).toBe(0)
    const box = (await scrub.boundingBox())!
    const frameAt = async (fraction: number) => {
      await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2, { steps: 4 })
      const strip = scrub.locator('[data-testid=scrub-strip]')
      await strip.waitFor({ timeout: 10_000 })
      return { frame: await scrub.getAttribute('data-frame'), image: await strip.evaluate((el) => getComputedStyle(el).backgroundImage) }
    }
    const early = await frameAt(0.05)
    const late = await frameAt(0.95)
    expect(early).toMatchObject({ frame: '0', image: expect.stringMatching(/url\(.*\/api\/media\//) })
    expect(late.frame).toBe('9')
    // The strip's signed URL loads (an image, not an error page).
    const stripUrl = early.image.replace(/^url\("?|"?\)$/g, '')
    const res = await page.request.get(stripUrl)
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toMatch(/image\/jpeg/)
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 2 })
    await mkdir(SHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SHOTS, 'variation-scrub.png') })

    // Play goes back to the video.
    await card.locator('[data-testid=media-play]').click()
    await video.waitFor({ timeout: 10_000 })

    // The viewer's header lists the same tags.
    await card.dblclick()
    const viewer = page.locator('[data-testid=viewer]')
    await viewer.waitFor({ timeout: 10_000 })
    expect(await viewer.locator('.m-review-head [data-testid=provenance-tag]').allTextContents()).toEqual(['@lighthouse'])
    await page.screenshot({ path: path.join(SHOTS, 'viewer-tags.png') })
  })
})
