import { createRequire } from 'node:module'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBoard, showShapes, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, signInCookie, type SucceededVariation } from './review-fixtures'

/**
 * axe-core, run inside the browser on the pages people use most: the workspaces page, a board, the
 * viewer on a variation, and a guest's review page (sign-in, list and viewer). Any serious or
 * critical violation fails the test with its rule, the element and axe's advice.
 */

/** axe-core's browser build, from node_modules (no CDN). */
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/**
 * Third-party DOM we could not change would be listed here (a selector, each with its reason).
 * None is needed today: tldraw's canvas and UI pass as they are, so the whole page is checked.
 */
const THIRD_PARTY: string[] = []

const SHOT = 'shape:demo-shot-1'

let stack: E2EStack
let producer: { cookie: string; userId: string }
let variation: SucceededVariation

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
  producer = await signInCookie(stack, 'local:ada')
  variation = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SHOT, createdBy: producer.userId })
}, 300_000)

afterAll(async () => {
  await stack?.close()
})

/**
 * A context whose pages accept axe's script tag: the app's CSP admits only its own nonce'd
 * scripts, so the test context bypasses CSP (the app's headers are checked in security-headers.test.ts).
 */
async function contextFor(authSubject?: string): Promise<BrowserContext> {
  const context = await stack.browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1440, height: 900 }, bypassCSP: true })
  if (authSubject) {
    const [user] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = ${authSubject}`
    const res = await context.request.post('/api/auth/local/sign-in', { data: { userId: user!.id } })
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`)
  }
  return context
}

interface Finding { rule: string; impact: string; target: string; help: string }

/** Serious and critical violations on the page as it stands, one line per element. */
async function seriousViolations(page: Page, exclude: string[] = THIRD_PARTY): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE })
  const found = await page.evaluate(async (exclude) => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }).axe
    const result = await axe.run({ include: [['html']], exclude: exclude.map((s) => [s]) }, { resultTypes: ['violations'] })
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => ({ rule: v.id, impact: v.impact!, target: n.target.map(String).join(' '), help: v.help })))
  }, exclude.filter((s) => s.length > 0))
  return (found as Finding[]).map((f) => `${f.impact} ${f.rule} at ${f.target}: ${f.help}`)
}

describe('accessibility (axe-core, serious and critical)', () => {
  it('the workspaces page', async () => {
    const context = await contextFor('local:ada')
    const page = await context.newPage()
    await page.goto('/')
    await page.locator('[data-testid=board-card]').first().waitFor()
    expect(await seriousViolations(page)).toEqual([])
    // The check can fail: a button with no name, planted for a moment, is reported with its rule and place.
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button id="a11y-probe" type="button"></button>'))
    expect(await seriousViolations(page)).toEqual([expect.stringMatching(/^critical button-name at #a11y-probe: /)])
    await page.evaluate(() => document.getElementById('a11y-probe')!.remove())
    await context.close()
  })

  it('a board with a shot and a finished variation, and the viewer opened on it', async () => {
    const context = await contextFor('local:ada')
    const page = await context.newPage()
    await openBoard(page, stack.boardId)
    const card = page.locator(`[data-testid=variation][data-shape-id="${variation.variationId}"]`)
    await card.and(page.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 60_000 })
    await showShapes(page, [SHOT, variation.variationId])
    expect(await seriousViolations(page)).toEqual([])

    // The viewer: select the card, Enter opens it.
    await card.locator('.m-variation-foot').click()
    await page.keyboard.press('Enter')
    const viewer = page.locator('[data-testid=viewer]')
    await viewer.waitFor({ timeout: 10_000 })
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })

  it("a guest's review page: the sign-in form, the shots, and the viewer", async () => {
    const res = await fetch(`${stack.baseUrl}/api/boards/${stack.boardId}/review-links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: producer.cookie },
      body: JSON.stringify({ scope: 'board', expiresInHours: 24 }),
    })
    expect(res.status).toBe(201)
    const { link } = (await res.json()) as { link: { url: string } }

    const context = await contextFor()
    const page = await context.newPage()
    await page.goto(link.url)
    await page.locator('[data-testid=guest-sign-in]').waitFor()
    expect(await seriousViolations(page)).toEqual([])

    await page.fill('[data-testid=guest-name]', 'Carla Client')
    await page.click('[data-testid=guest-continue]')
    await page.locator('[data-testid=guest-review]').waitFor()
    await page.locator(`[data-testid=guest-variation][data-variation-id="${variation.variationId}"]`).waitFor()
    expect(await seriousViolations(page)).toEqual([])

    await page.click(`[data-testid=guest-variation][data-variation-id="${variation.variationId}"]`)
    await page.locator('[data-testid=viewer]').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })
})
