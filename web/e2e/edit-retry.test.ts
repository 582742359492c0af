import { mkdir, rename } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { LocalAssetStore } from '@montage/assets'
import { getCreditBalance, recordAsset } from '@montage/db'
import { renderDemoPlate } from '@montage/infra'
import { SCREENSHOT_DIR, openBoard, shotVariationIds, showShapes, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack
let ada: BrowserContext

const SHOT = 'shape:demo-shot-1'
const SHOTS = SCREENSHOT_DIR

beforeAll(async () => {
  stack = await startE2EStack()
  ada = await stack.signedIn('local:ada') // producer
})

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return
  await mkdir(SHOTS, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(SHOTS, `edit-retry-failed-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await ada?.close()
  await stack?.close()
})

interface TRow {
  id: string
  status: string
  model: string
  params: Record<string, unknown>
  parent: string | null
  variationId: string
  error: string | null
}

async function rowOf(where: { id?: string; variationId?: string }): Promise<TRow | undefined> {
  const [row] = await stack.sql<TRow[]>`
    SELECT id, status::text AS status, model, params, parent_generation_id AS parent, variation_id AS "variationId", error
    FROM generations WHERE ${where.id ? stack.sql`id = ${where.id}` : stack.sql`variation_id = ${where.variationId!}`}`
  return row
}

async function ledgerOf(generationId: string): Promise<string[]> {
  const rows = await stack.sql<{ kind: string }[]>`SELECT kind::text AS kind FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
  return rows.map((r) => r.kind)
}

const variationIds = (page: Page) => shotVariationIds(page, SHOT)

/** Clicks Retry on the failed card: one new variation appears in the shot and succeeds. */
async function retryOnCard(page: Page, failedVariationId: string) {
  await showShapes(page, [failedVariationId])
  const card = page.locator(`[data-testid=variation][data-shape-id="${failedVariationId}"]`)
  await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('failed')
  const before = await variationIds(page)
  await card.locator('[data-testid=variation-retry]').click({ timeout: 30_000 })
  await expect.poll(async () => (await variationIds(page)).filter((id) => !before.includes(id)).length, { timeout: 30_000 }).toBe(1)
  const retriedId = (await variationIds(page)).find((id) => !before.includes(id))!
  const retried = page.locator(`[data-testid=variation][data-shape-id="${retriedId}"]`)
  await expect.poll(() => retried.getAttribute('data-status'), { timeout: 180_000 }).toBe('succeeded')
  return { retriedId, retried }
}

describe('retry of a failed edit', () => {
  it("starts a new edit of the same parent with the same edit and params, from the card's Retry", async () => {
    // The parent: a 2-second previz of the seeded shot over its @lighthouse reference.
    const [lighthouse] = await stack.sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type LIKE 'image/%' LIMIT 1`
    const parentRes = await ada.request.post('/api/generations', {
      data: { boardId: stack.boardId, shotId: SHOT, model: 'previz', prompt: 'push in', params: { duration: 2 }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: lighthouse!.sha256 }] },
    })
    expect(parentRes.status()).toBe(202)
    const parent = (await parentRes.json()) as { generationId: string; variationId: string }
    await expect.poll(async () => (await rowOf({ id: parent.generationId }))?.status, { timeout: 180_000 }).toBe('succeeded')

    // A composite plate of this workspace whose bytes are missing from the store when the edit runs.
    const store = new LocalAssetStore(path.join(stack.dataDir, 'assets'))
    const plate = await store.putBytes(await renderDemoPlate(480, 270))
    await recordAsset(stack.sql, { workspaceId: stack.workspaceId, sha256: plate.sha256, mimeType: 'image/png', byteSize: plate.byteSize, width: 480, height: 270 })
    const aside = path.join(stack.dataDir, 'plate-aside.png')
    await rename(store.blobPath(plate.sha256), aside)

    const page = await ada.newPage()
    await page.setViewportSize({ width: 1600, height: 1000 })
    await openBoard(page, stack.boardId)
    const params = { key: 'chroma', keyColor: '#00ff00', similarity: 0.3, softness: 0.1 }
    const editRes = await ada.request.post(`/api/generations/${parent.generationId}/edit`, {
      data: { model: 'composite', params, references: [{ shapeId: 'shape:e2e-plate', assetSha256: plate.sha256 }] },
    })
    expect(editRes.status()).toBe(202)
    const failed = (await editRes.json()) as { generationId: string; variationId: string; parentGenerationId: string }
    expect(failed.parentGenerationId).toBe(parent.generationId)
    await expect.poll(async () => (await rowOf({ id: failed.generationId }))?.status, { timeout: 120_000 }).toBe('failed')
    expect((await rowOf({ id: failed.generationId }))?.error).toMatch(/the environment plate \(asset [0-9a-f]{12}…\) is no longer in the asset store/)
    await expect.poll(() => ledgerOf(failed.generationId), { timeout: 30_000 }).toEqual(['reserve', 'release'])

    // The plate is back; the card's Retry starts the same edit again under new ids.
    await rename(aside, store.blobPath(plate.sha256))
    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const { retriedId } = await retryOnCard(page, failed.variationId)

    const row = (await rowOf({ variationId: retriedId }))!
    expect(row.id).not.toBe(failed.generationId)
    expect(row).toMatchObject({ status: 'succeeded', model: 'composite', parent: parent.generationId, params })
    expect(await ledgerOf(row.id)).toEqual(['reserve', 'settle'])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBeLessThan(balanceBefore)
    const props = await page.evaluate((id) => {
      const editor = (window as unknown as { __montageEditor: { getShape(id: string): { props: Record<string, unknown> } | undefined } }).__montageEditor
      return editor.getShape(id)?.props
    }, retriedId)
    expect(props).toMatchObject({ parentVariationId: parent.variationId, shotId: SHOT, model: 'composite', status: 'succeeded' })
    await mkdir(SHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SHOTS, 'edit-retried.png') })
    await page.close()

    // Its parent's generation deleted, the failed edit can no longer be retried: 409 naming the parent, nothing stored.
    await stack.sql`DELETE FROM generations WHERE id = ${parent.generationId}`
    const count = (await stack.sql`SELECT id FROM generations`).length
    const orphan = await ada.request.post(`/api/generations/${failed.generationId}/retry`, { data: {} })
    expect(orphan.status()).toBe(409)
    expect((await orphan.json()).error.message).toMatch(/variation this edit was made from no longer exists/)
    expect((await stack.sql`SELECT id FROM generations`).length).toBe(count)
  })
})

describe('retry of a generation older than its workflow history', () => {
  it('starts again from the request stored on its row once Temporal has dropped the workflow, and renders', async () => {
    // Bug: Retry read the request back from the workflow history, so a generation whose history was gone could never be retried.
    const store = new LocalAssetStore(path.join(stack.dataDir, 'assets'))
    const plate = await store.putBytes(await renderDemoPlate(512, 288))
    await recordAsset(stack.sql, { workspaceId: stack.workspaceId, sha256: plate.sha256, mimeType: 'image/png', byteSize: plate.byteSize, width: 512, height: 288 })
    const aside = path.join(stack.dataDir, 'old-plate-aside.png')
    await rename(store.blobPath(plate.sha256), aside)
    const res = await ada.request.post('/api/generations', {
      data: { boardId: stack.boardId, shotId: SHOT, model: 'previz', prompt: 'push in on the harbour', params: { duration: 2 }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: plate.sha256 }] },
    })
    expect(res.status()).toBe(202)
    const failed = (await res.json()) as { generationId: string; variationId: string; workflowId: string }
    await expect.poll(async () => (await rowOf({ id: failed.generationId }))?.status, { timeout: 120_000 }).toBe('failed')
    await rename(aside, store.blobPath(plate.sha256))

    // Temporal forgets the workflow (as its retention period would): no history is left to read.
    // The row fails before the workflow's last steps (the board command), so wait for it to close
    // first, and ask again while it is still there: a delete that meets the workflow still running
    // can be lost (the test failed that way about one run in two).
    const handle = stack.temporal.workflow.getHandle(failed.workflowId)
    await handle.result().catch(() => {})
    await expect
      .poll(async () => {
        await stack.temporal.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: failed.workflowId } }).catch(() => {})
        return handle.describe().then(() => 'present', (e: Error) => e.name)
      }, { timeout: 120_000, interval: 2_000 })
      .toBe('WorkflowNotFoundError')

    const page = await ada.newPage()
    await page.setViewportSize({ width: 1600, height: 1000 })
    await openBoard(page, stack.boardId)
    const { retriedId, retried } = await retryOnCard(page, failed.variationId)
    await retried.locator('[data-testid=variation-video]').waitFor({ timeout: 30_000 })

    const row = (await rowOf({ variationId: retriedId }))!
    expect(row.id).not.toBe(failed.generationId)
    expect(row).toMatchObject({ status: 'succeeded', model: 'previz', parent: null, params: { duration: 2 } })
    expect(await ledgerOf(row.id)).toEqual(['reserve', 'settle'])
    await mkdir(SHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SHOTS, 'retried-without-history.png') })
    await page.close()
  }, 360_000)
})
