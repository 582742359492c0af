import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { LocalAssetStore } from '@montage/assets'
import { createWorkspace, getCreditBalance, recordAsset, upsertUser } from '@montage/db'
import { SCREENSHOT_DIR, shotVariationIds, startE2EStack, type E2EStack, openBoard } from './harness'

// These tests are about a deployment without a Runway key: its models are listed but unavailable.
delete process.env.RUNWAYML_API_SECRET

let stack: E2EStack
let ada: BrowserContext

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SHOTS, { recursive: true })
  ada = await stack.signedIn('local:ada') // producer
})

afterAll(async () => {
  await ada?.close()
  await stack?.close()
})

const SHOT = 'shape:demo-shot-1'
/** Where the cards' pictures go, for whoever reviews the UI (outside git). */
const SHOTS = SCREENSHOT_DIR

/** The ids of the shot's variations on the page. */
const variationIds = (page: Page) => shotVariationIds(page, SHOT)

async function newVariation(page: Page, before: string[]): Promise<string> {
  await expect.poll(async () => (await variationIds(page)).filter((id) => !before.includes(id)).length, { timeout: 30_000 }).toBe(1)
  return (await variationIds(page)).find((id) => !before.includes(id))!
}

async function ledgerOf(generationId: string): Promise<{ kind: string; amount: number }[]> {
  return stack.sql<{ kind: string; amount: number }[]>`SELECT kind::text AS kind, amount FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
}

describe('generation controls', () => {
  it('cancels a running generation from its card: the variation shows cancelled and the credits come back', async () => {
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    const shot = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await shot.waitFor({ timeout: 30_000 })
    // A long previz, so that it is still rendering when Cancel is pressed.
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-duration]').selectOption('10')
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/10 credits/)
    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const before = await variationIds(page)

    await shot.locator('[data-testid=generate]').click()
    const variationId = await newVariation(page, before)
    const card = page.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    await card.locator('[data-testid=variation-cancel]').click({ timeout: 30_000 })
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled')
    await expect(card.locator('[data-testid=variation-retry]').count()).resolves.toBe(1)
    await page.screenshot({ path: path.join(SHOTS, 'cancelled.png') })

    const generationId = (await card.getAttribute('data-generation-id'))!
    const [row] = await stack.sql<{ status: string; credits: number }[]>`SELECT status, credits FROM generations WHERE id = ${generationId}`
    expect(row).toMatchObject({ status: 'cancelled', credits: 10 })
    await expect.poll(() => ledgerOf(generationId), { timeout: 30_000 }).toEqual([
      { kind: 'reserve', amount: -10 },
      { kind: 'release', amount: 10 },
    ])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore)

    // A finished generation cannot be cancelled again: 409 naming what happened.
    const again = await ada.request.post(`/api/generations/${generationId}/cancel`)
    expect(again.status()).toBe(409)
    expect((await again.json()).error.message).toMatch(/cancelled/)
    // Unknown generation → 404.
    expect((await ada.request.post(`/api/generations/${randomUUID()}/cancel`)).status()).toBe(404)
    // Someone outside the board's workspace → 403, for cancel and retry alike.
    const outsider = await upsertUser(stack.sql, { authSubject: `local:outsider-${randomUUID()}`, name: 'Olga Outsider' })
    await createWorkspace(stack.sql, { name: 'Elsewhere', ownerId: outsider.id })
    const olga = await stack.signedIn(outsider.authSubject)
    expect((await olga.request.post(`/api/generations/${generationId}/cancel`)).status()).toBe(403)
    expect((await olga.request.post(`/api/generations/${generationId}/retry`, { data: {} })).status()).toBe(403)
    await olga.close()
    await page.close()
  })

  it('a failed generation shows its reason and a Retry that starts a new generation beside the shot', async () => {
    // A "reference" whose stored bytes are not an image (upload would refuse it; store it directly).
    const store = new LocalAssetStore(path.join(stack.dataDir, 'assets'))
    const stored = await store.putBytes(new TextEncoder().encode(`not an image ${randomUUID()}\n`.repeat(20)))
    await recordAsset(stack.sql, { workspaceId: stack.workspaceId, sha256: stored.sha256, mimeType: 'image/png', byteSize: stored.byteSize })

    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    const before = await variationIds(page)
    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const res = await ada.request.post('/api/generations', {
      data: {
        boardId: stack.boardId,
        shotId: SHOT,
        model: 'previz',
        prompt: 'a lighthouse at dusk',
        params: { duration: 2 },
        references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: stored.sha256 }],
      },
    })
    expect(res.status()).toBe(202)
    const { generationId, variationId } = (await res.json()) as { generationId: string; variationId: string }

    const card = page.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 120_000 }).toBe('failed')
    await expect.poll(async () => ((await card.locator('[data-testid=variation-error]').textContent()) ?? '').length).toBeGreaterThan(5)
    await page.screenshot({ path: path.join(SHOTS, 'failed.png') })
    // A producer may inspect the job: the card links to its workflow in the Temporal UI (the default address).
    expect(await card.locator('[data-testid=variation-workflow-link]').getAttribute('href')).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`generation/${generationId}`)}`,
    )
    // A reviewer sees the same failed card without it.
    const rui = await stack.signedIn('local:rui')
    const reviewerPage = await rui.newPage()
    await openBoard(reviewerPage, stack.boardId)
    const reviewerCard = reviewerPage.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    await expect.poll(() => reviewerCard.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed')
    expect(await reviewerCard.locator('[data-testid=variation-error]').count()).toBe(1)
    expect(await reviewerCard.locator('[data-testid=variation-workflow-link]').count()).toBe(0)
    await rui.close()
    await expect.poll(() => ledgerOf(generationId), { timeout: 30_000 }).toEqual([
      { kind: 'reserve', amount: -2 },
      { kind: 'release', amount: 2 },
    ])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore)

    // Retry: a new queued variation appears beside the shot, for a new generation of the same input.
    const withFailed = [...before, variationId]
    await card.locator('[data-testid=variation-retry]').click()
    const retriedId = await newVariation(page, withFailed)
    const retried = page.locator(`[data-testid=variation][data-shape-id="${retriedId}"]`)
    await expect.poll(() => retried.getAttribute('data-generation-id'), { timeout: 30_000 }).toBeTruthy()
    const retryGenerationId = (await retried.getAttribute('data-generation-id'))!
    expect(retryGenerationId).not.toBe(generationId)
    const [retryRow] = await stack.sql<{ shotId: string; variationId: string; model: string; params: { duration: number } }[]>`
      SELECT shot_id AS "shotId", variation_id AS "variationId", model, params FROM generations WHERE id = ${retryGenerationId}`
    expect(retryRow).toMatchObject({ shotId: SHOT, variationId: retriedId, model: 'previz', params: { duration: 2 } })
    // The same bad reference fails again, and its credits come back too.
    await expect.poll(() => retried.getAttribute('data-status'), { timeout: 120_000 }).toBe('failed')
    await expect.poll(() => ledgerOf(retryGenerationId), { timeout: 30_000 }).toEqual([
      { kind: 'reserve', amount: -2 },
      { kind: 'release', amount: 2 },
    ])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore)

    await page.close()
  })

  it('lists the Runway models as unavailable (disabled, with the reason) and the API refuses them with 400 model', async () => {
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    const select = page.locator(`[data-testid=shot][data-shape-id="${SHOT}"] [data-testid=shot-model]`)
    await select.waitFor({ timeout: 30_000 })
    const option = select.locator('option[value="gen4.5"]')
    expect(await option.count()).toBe(1)
    expect(await option.isDisabled()).toBe(true)
    expect(await option.getAttribute('title')).toMatch(/RUNWAYML_API_SECRET/)
    expect(await option.textContent()).toMatch(/unavailable/i)
    expect(await select.locator('option[value="previz"]').isDisabled()).toBe(false)
    await page.screenshot({ path: path.join(SHOTS, 'models.png') })

    const generationsBefore = await stack.sql`SELECT id FROM generations`
    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const res = await ada.request.post('/api/generations', {
      data: { boardId: stack.boardId, shotId: SHOT, model: 'gen4.5', prompt: 'a lighthouse', params: { duration: 5 } },
    })
    expect(res.status()).toBe(400)
    const json = await res.json()
    expect(json.error.field).toBe('model')
    expect(json.error.message).toMatch(/^model: .*RUNWAYML_API_SECRET/)
    expect(await stack.sql`SELECT id FROM generations`).toHaveLength(generationsBefore.length)
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore)
    await page.close()
  })
})
