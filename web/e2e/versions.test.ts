import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { SCREENSHOT_DIR, generatePrevizVariations, newVariationId, openBoard, shotVariationIds, showShapes, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext
let page: Page
/** Two previz takes of the demo shot and a relight of the first. */
let take1: string
let take2: string
let edit: string

const SHOT = 'shape:demo-shot-1'
const SHOTS = SCREENSHOT_DIR

const card = (id: string) => page.locator(`[data-testid=variation][data-shape-id="${id}"]`)
const label = (id: string) => card(id).locator('[data-testid=variation-version]').textContent()
/** A card's place on the board, as the editor holds it. */
const boundsOf = (id: string) =>
  page.evaluate((id) => (window as unknown as { __montageEditor: { getShapePageBounds(id: string): { x: number; y: number; w: number; h: number } } }).__montageEditor.getShapePageBounds(id), id)
const versionOf = (id: string) =>
  page.evaluate((id) => (window as unknown as { __montageEditor: { getShape(id: string): { props: { version: number } } | undefined } }).__montageEditor.getShape(id)?.props.version, id)

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SHOTS, { recursive: true })
  ada = await stack.signedIn('local:ada')
  page = await ada.newPage()
  await openBoard(page, stack.boardId)
  ;[take1, take2] = (await generatePrevizVariations(page, SHOT, 2)) as [string, string]
}, 500_000)

afterAll(async () => {
  await ada?.close()
  await stack?.close()
})

describe('version numbers and lineage', () => {
  it('numbers each take on its card, places an edit below its parent with a line between them, and numbers the edit next', async () => {
    await showShapes(page, [take1, take2])
    await expect.poll(() => label(take1), { timeout: 20_000 }).toBe('v1')
    expect(await label(take2)).toBe('v2')
    expect([await versionOf(take1), await versionOf(take2)]).toEqual([1, 2])

    // Edit → Relight on v1's card.
    await card(take1).locator('[data-testid=variation-edit]').click({ timeout: 30_000 })
    await card(take1).locator('[data-testid=variation-edit-menu]').waitFor()
    const before = await shotVariationIds(page, SHOT)
    await card(take1).locator('[data-testid=edit-relight-night]').click()
    edit = await newVariationId(page, SHOT, before)
    await card(edit).and(page.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 240_000 })
    await showShapes(page, [take1, take2, edit])
    expect(await label(edit)).toBe('v3')
    expect(await card(edit).locator('[data-testid=edit-of]').textContent()).toBe('Edit of v1')

    // Beside its parent: directly below v1 in v1's column, not at the end of the row after v2 (an edit
    // started from the board used to land at the end of the row; the browser now places it as the server does).
    const [b1, b2, be] = [await boundsOf(take1), await boundsOf(take2), await boundsOf(edit)]
    expect(Math.abs(be.x - b1.x)).toBeLessThanOrEqual(2)
    expect(be.y).toBeGreaterThanOrEqual(b1.y + b1.h)
    expect(be.y).toBeLessThanOrEqual(b1.y + b1.h + 48)
    expect(be.x).toBeLessThan(b2.x)
    // The canvas draws the link from v1 down to its edit; it is no shape anyone could select or delete.
    const link = page.locator(`[data-testid=lineage-link][data-child-id="${edit}"]`)
    await link.waitFor({ state: 'attached', timeout: 10_000 })
    expect(await page.locator('[data-testid=lineage-link]').count()).toBe(1)
    const linkBox = (await link.boundingBox())!
    const parentBox = (await card(take1).boundingBox())!
    const editBox = (await card(edit).boundingBox())!
    // And so on screen: the edit's card under the parent's, the same x within a few pixels.
    expect(Math.abs(editBox.x - parentBox.x)).toBeLessThanOrEqual(4)
    expect(editBox.y).toBeGreaterThanOrEqual(parentBox.y + parentBox.height - 2)
    // The line runs from the parent's card to the edit's: its box touches both (within a few pixels).
    type TBox = { x: number; y: number; width: number; height: number }
    const touches = (a: TBox, b: TBox, slack = 8) => a.x <= b.x + b.width + slack && b.x <= a.x + a.width + slack && a.y <= b.y + b.height + slack && b.y <= a.y + a.height + slack
    expect(touches(linkBox, parentBox)).toBe(true)
    expect(touches(linkBox, editBox)).toBe(true)
    const types = await page.evaluate(() => (window as unknown as { __montageEditor: { getCurrentPageShapes(): { type: string }[] } }).__montageEditor.getCurrentPageShapes().map((s) => s.type))
    expect(types).not.toContain('arrow')
    expect(types).not.toContain('line')
    await page.evaluate(() => {
      ;(window as unknown as { __montageEditor: { selectNone(): void } }).__montageEditor.selectNone()
    })
    await page.screenshot({ path: path.join(SHOTS, 'versions-lineage-row.png') })
  })

  it('the viewer shows the number and walks the lineage both ways', async () => {
    await card(edit).locator('.m-variation-foot').click()
    await page.keyboard.press('Enter')
    const viewer = page.locator('[data-testid=viewer]')
    await page.locator(`[data-testid=viewer][data-variation-id="${edit}"]`).waitFor({ timeout: 10_000 })
    expect(await viewer.locator('[data-testid=viewer-version]').textContent()).toBe('v3')
    const toParent = viewer.locator('[data-testid=lineage-parent]')
    expect(await toParent.textContent()).toBe('Edit of v1')
    expect(await viewer.locator('[data-testid=lineage-child]').count()).toBe(0)
    await page.screenshot({ path: path.join(SHOTS, 'versions-viewer-edit.png') })
    await toParent.click()

    await page.locator(`[data-testid=viewer][data-variation-id="${take1}"]`).waitFor({ timeout: 10_000 })
    expect(await viewer.locator('[data-testid=viewer-version]').textContent()).toBe('v1')
    expect(await viewer.locator('[data-testid=lineage-parent]').count()).toBe(0)
    const children = viewer.locator('[data-testid=lineage-child]')
    expect(await children.allTextContents()).toEqual(['v3'])
    expect(await viewer.locator('[data-testid=lineage]').textContent()).toBe('Edits:v3')
    await children.first().click()
    await page.locator(`[data-testid=viewer][data-variation-id="${edit}"]`).waitFor({ timeout: 10_000 })
    await page.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached' })
  })

  it('compare names both versions in its header', async () => {
    await showShapes(page, [take1, take2, edit])
    await page.evaluate((ids) => {
      ;(window as unknown as { __montageEditor: { select(...ids: string[]): void } }).__montageEditor.select(...ids)
    }, [take2, edit])
    await page.locator('[data-testid=compare-open]').click()
    const compare = page.locator('[data-testid=compare]')
    await compare.waitFor({ timeout: 10_000 })
    expect(await compare.locator('[data-testid=compare-version-a]').textContent()).toBe('v2')
    expect(await compare.locator('[data-testid=compare-version-b]').textContent()).toBe('v3')
    await page.screenshot({ path: path.join(SHOTS, 'versions-compare.png') })
    await compare.locator('[data-testid=compare-close]').click()
  })

  it('the guest page shows each version\'s number and what an edit was made from; deleting v2 renumbers nothing', async () => {
    await page.evaluate(() => {
      ;(window as unknown as { __montageEditor: { selectNone(): void } }).__montageEditor.selectNone()
    })
    await page.locator('[data-testid=share-review]').click()
    const dialog = page.locator('[data-testid=share-dialog]')
    await dialog.waitFor()
    await dialog.locator('[data-testid=share-scope-board]').click()
    await dialog.locator('[data-testid=share-create]').click()
    const url = await dialog.locator('[data-testid=share-url]').inputValue({ timeout: 20_000 })
    await page.keyboard.press('Escape')

    const guest = await stack.browser.newContext({ viewport: { width: 1440, height: 900 } })
    try {
      const g = await guest.newPage()
      await g.goto(url)
      const form = g.locator('[data-testid=guest-sign-in]')
      await form.waitFor({ timeout: 30_000 })
      await form.locator('[data-testid=guest-name]').fill('Gia Guest')
      await form.locator('[data-testid=guest-continue]').click()
      await g.locator('[data-testid=guest-review]').waitFor({ timeout: 20_000 })
      const guestCard = (id: string) => g.locator(`[data-testid=guest-variation][data-variation-id="${id}"]`)
      expect(await guestCard(take1).locator('[data-testid=guest-version]').textContent()).toBe('v1')
      expect(await guestCard(take2).locator('[data-testid=guest-version]').textContent()).toBe('v2')
      expect(await guestCard(edit).locator('[data-testid=guest-version]').textContent()).toBe('v3')
      expect(await guestCard(edit).locator('[data-testid=guest-edit-of]').textContent()).toBe('Edit of v1')
      expect(await guestCard(take1).locator('[data-testid=guest-edit-of]').count()).toBe(0)
      // In version order.
      const order = await g.locator(`[data-testid=guest-shot][data-shot-id="${SHOT}"] [data-testid=guest-variation]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-variation-id')))
      expect(order).toEqual([take1, take2, edit])
      await g.screenshot({ path: path.join(SHOTS, 'versions-guest.png') })
      await guestCard(edit).click()
      await g.locator('[data-testid=viewer] [data-testid=viewer-version]').waitFor()
      expect(await g.locator('[data-testid=viewer] [data-testid=viewer-version]').textContent()).toBe('v3')
    } finally {
      await guest.close()
    }

    // Deleting v2 leaves v1 and v3 as they were.
    await showShapes(page, [take2])
    await card(take2).locator('.m-variation-foot').click()
    await page.keyboard.press('Delete')
    await card(take2).waitFor({ state: 'detached', timeout: 10_000 })
    await showShapes(page, [take1, edit])
    expect([await label(take1), await label(edit)]).toEqual(['v1', 'v3'])
  })
})
