import path from 'node:path'
import { mkdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { getCreditBalance } from '@montage/db'
import { openBoard, shotVariationIds, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext

const SHOT = 'shape:demo-shot-1'
/** Pictures of the ×N choice and the Edit menu, for whoever reviews the UI. */
const SHOTS = process.env.E2E_SHOTS_DIR ?? '/tmp/shots-pipeline'

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SHOTS, { recursive: true })
  ada = await stack.signedIn('local:ada') // producer
})

afterAll(async () => {
  await ada?.close()
  await stack?.close()
})

/** The board at the size the pictures are taken at. */
async function openLargeBoard(page: Page) {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await openBoard(page, stack.boardId)
}

const variationIds = (page: Page) => shotVariationIds(page, SHOT)

async function ledgerOf(generationId: string): Promise<string[]> {
  const rows = await stack.sql<{ kind: string }[]>`SELECT kind::text AS kind FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
  return rows.map((r) => r.kind)
}

describe('batch and edit', () => {
  it('Generate ×2 makes two variations of the shot, each its own generation charged once', async () => {
    const page = await ada.newPage()
    await openLargeBoard(page)
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.waitFor({ timeout: 30_000 })
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-duration]').selectOption('2')
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/2 credits/)
    await shot.locator('[data-testid=generate-count-2]').click()
    // The button shows what the whole click charges.
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/4 credits/)
    await shot.screenshot({ path: path.join(SHOTS, 'shot-count-x2.png') })
    const before = await variationIds(page)

    await shot.locator('[data-testid=generate]').click()
    await expect.poll(async () => (await variationIds(page)).filter((id) => !before.includes(id)).length, { timeout: 30_000 }).toBe(2)
    const added = (await variationIds(page)).filter((id) => !before.includes(id))
    for (const id of added) {
      await expect.poll(() => page.locator(`[data-testid=variation][data-shape-id="${id}"]`).getAttribute('data-status'), { timeout: 180_000 }).toBe('succeeded')
    }
    const rows = await stack.sql<{ id: string; variationId: string; status: string }[]>`
      SELECT id, variation_id AS "variationId", status FROM generations WHERE variation_id = ANY(${added})`
    expect(rows.map((r) => r.variationId).sort()).toEqual([...added].sort())
    for (const row of rows) {
      expect(row.status).toBe('succeeded')
      expect(await ledgerOf(row.id)).toEqual(['reserve', 'settle'])
    }
    await page.screenshot({ path: path.join(SHOTS, 'board-after-x2.png') })
    await page.close()
  })

  it('a batch the workspace cannot pay for in full is refused with 402 and starts nothing', async () => {
    const balance = await getCreditBalance(stack.sql, stack.workspaceId)
    const ref = (await stack.sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type LIKE 'image/%' LIMIT 1`)[0]!
    // Leave 3 credits: enough for one 2-second previz, not for two.
    await stack.sql`INSERT INTO credit_ledger (workspace_id, kind, amount, note) VALUES (${stack.workspaceId}, 'grant', ${3 - balance}, 'e2e: drain')`
    try {
      const generationsBefore = (await stack.sql`SELECT id FROM generations`).length
      const res = await ada.request.post('/api/generations', {
        data: { boardId: stack.boardId, shotId: SHOT, model: 'previz', count: 2, params: { duration: 2 }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: ref.sha256 }] },
      })
      expect(res.status()).toBe(402)
      expect((await res.json()).error.message).toMatch(/need 4 credits; the workspace has 3/)
      expect((await stack.sql`SELECT id FROM generations`).length).toBe(generationsBefore)
      expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(3)
      // A count out of range names the field.
      const bad = await ada.request.post('/api/generations', { data: { boardId: stack.boardId, shotId: SHOT, model: 'previz', count: 5, params: { duration: 2 } } })
      expect(bad.status()).toBe(400)
      expect((await bad.json()).error.field).toBe('count')
    } finally {
      await stack.sql`INSERT INTO credit_ledger (workspace_id, kind, amount, note) VALUES (${stack.workspaceId}, 'grant', ${balance - 3}, 'e2e: refill')`
    }
  })

  it('Edit → Relight on a finished variation makes a new variation in the shot row that records its parent', async () => {
    const page = await ada.newPage()
    await openLargeBoard(page)
    const [parent] = await stack.sql<{ id: string; variationId: string }[]>`
      SELECT id, variation_id AS "variationId" FROM generations WHERE status = 'succeeded' AND board_id = ${stack.boardId} ORDER BY created_at LIMIT 1`
    // Bring the card into view: the canvas does not scroll like a page.
    await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: { select(id: string): void; zoomToSelection(): void; selectNone(): void } }).__montageEditor
      editor.select(id)
      editor.zoomToSelection()
      editor.selectNone()
    }, parent!.variationId)
    const card = page.locator(`[data-testid=variation][data-shape-id="${parent!.variationId}"]`)
    await card.locator('[data-testid=variation-edit]').click({ timeout: 30_000 })
    await card.locator('[data-testid=variation-edit-menu]').waitFor()
    await card.screenshot({ path: path.join(SHOTS, 'variation-edit-menu.png') })
    const before = await variationIds(page)
    await card.locator('[data-testid=edit-relight-night]').click()
    await expect.poll(async () => (await variationIds(page)).filter((id) => !before.includes(id)).length, { timeout: 30_000 }).toBe(1)
    const childId = (await variationIds(page)).find((id) => !before.includes(id))!
    const child = page.locator(`[data-testid=variation][data-shape-id="${childId}"]`)
    await expect.poll(() => child.getAttribute('data-status'), { timeout: 180_000 }).toBe('succeeded')

    const [row] = await stack.sql<{ id: string; model: string; parent: string; shotId: string }[]>`
      SELECT id, model, parent_generation_id AS parent, shot_id AS "shotId" FROM generations WHERE variation_id = ${childId}`
    expect(row).toMatchObject({ model: 'relight', parent: parent!.id, shotId: SHOT })
    expect(await ledgerOf(row!.id)).toEqual(['reserve', 'settle'])
    const props = await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: { getShape(id: string): { props: Record<string, unknown> } | undefined } }).__montageEditor
      return editor.getShape(id)?.props
    }, childId)
    expect(props).toMatchObject({ parentVariationId: parent!.variationId, shotId: SHOT, model: 'relight', status: 'succeeded' })
    await page.screenshot({ path: path.join(SHOTS, 'board-after-edit.png') })
    await page.close()
  })
})
