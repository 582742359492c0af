import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { openBoard, showShapes, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext

beforeAll(async () => {
  stack = await startE2EStack()
  ada = await stack.signedIn('local:ada') // producer
})

afterAll(async () => {
  await ada?.close()
  await stack?.close()
})

const SHOT = 'shape:demo-shot-1'

/** The labels of the menu items now open (submenus included once opened). */
async function menuLabels(page: Page): Promise<string[]> {
  return page.locator('.tlui-menu [role=menuitem], .tlui-menu [role=menuitemcheckbox]').allInnerTexts()
}

describe('the canvas holds Montage’s own pieces', () => {
  it('main menu: Montage’s actions first; no debug mode, embeds, pages, printing or canvas export', async () => {
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    await page.locator('[data-testid="main-menu.button"]').click()
    await expect.poll(() => menuLabels(page)).toEqual(expect.arrayContaining([expect.stringContaining('Reference library'), expect.stringContaining('Add sequence'), expect.stringContaining('Upload media')]))
    const top = await menuLabels(page)
    expect(top[0]).toContain('Reference library')
    expect(top.filter((l) => l.includes('Upload media'))).toHaveLength(1)
    const seen: string[] = [...(await menuLabels(page))]
    for (const [submenu, expected] of [['Edit', 'Undo'], ['Preferences', 'Show grid']] as const) {
      await page.locator('.tlui-menu').getByRole('menuitem', { name: submenu, exact: true }).click()
      await expect.poll(() => menuLabels(page).then((l) => l.join(' | '))).toContain(expected)
      seen.push(...(await menuLabels(page)))
    }
    const labels = seen.join(' | ')
    for (const gone of ['Debug mode', 'Embed', 'Export', 'Copy as', 'Print', 'Move to', 'Bookmark']) expect(labels).not.toContain(gone)
    // Their shortcuts are gone with them: Ctrl+P does not print, Alt+Shift+D does not turn on debug mode.
    await page.keyboard.press('Escape')
    await page.keyboard.press('Alt+Shift+D')
    expect(await page.evaluate(() => (window as unknown as { __montageEditor: { getInstanceState(): { isDebugMode: boolean } } }).__montageEditor.getInstanceState().isDebugMode)).toBe(false)
    await page.close()
  })

  it('a card’s context menu offers no page moves, and a selected card is announced in words', async () => {
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    await showShapes(page, [SHOT])
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.locator('[data-testid=shot-title], h3, header').first().click({ button: 'right' })
    await expect.poll(() => menuLabels(page)).not.toEqual([])
    expect((await menuLabels(page)).join(' | ')).not.toContain('Move to')
    await page.keyboard.press('Escape')
    await page.evaluate((id) => {
      ;(window as unknown as { __montageEditor: { select(id: string): void } }).__montageEditor.select(id)
    }, SHOT)
    const spoken = page.locator('.tl-container [role=status]')
    await expect.poll(() => spoken.allInnerTexts().then((t) => t.join(' ')), { timeout: 10_000 }).toMatch(/Shot\. \d+ of \d+/)
    const text = (await spoken.allInnerTexts()).join(' ')
    expect(text).not.toContain('tool.')
    const title = await page.evaluate((id) => (window as unknown as { __montageEditor: { getShape(id: string): { props: { title: string } } } }).__montageEditor.getShape(id).props.title, SHOT)
    expect(text).toContain(title)
    await page.close()
  })
})
