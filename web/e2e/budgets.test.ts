import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { getCreditBalance } from '@montage/db'
import { SCREENSHOT_DIR, openBoard, showShapes, startE2EStack, type E2EStack } from './harness'

/**
 * Budgets and approval on the real stack (web, collab-server, workflows, gpu-worker, PostgreSQL,
 * NATS, Temporal): a board's budget refuses a job it cannot pay for, with the figures, and warns
 * from 80%; a job above the approval threshold waits on its card until a producer approves (it
 * then runs and is charged) or refuses (nothing is charged).
 */

let stack: E2EStack
let sam: BrowserContext // owner
let ada: BrowserContext // producer
let ben: BrowserContext // editor
let plateSha256: string
let boardName: string

const SHOT = 'shape:demo-shot-1'

beforeAll(async () => {
  stack = await startE2EStack()
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  ;[sam, ada, ben] = await Promise.all([stack.signedIn('local:sam'), stack.signedIn('local:ada'), stack.signedIn('local:ben')])
  const [plate] = await stack.sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type LIKE 'image/%' LIMIT 1`
  plateSha256 = plate!.sha256
  const [board] = await stack.sql<{ name: string }[]>`SELECT name FROM boards WHERE id = ${stack.boardId}`
  boardName = board!.name
})

afterAll(async () => {
  await Promise.all([sam?.close(), ada?.close(), ben?.close()])
  await stack?.close()
})

/** A previz of the seeded shot: it costs its duration in credits. */
function previz(who: BrowserContext, duration: number) {
  return who.request.post('/api/generations', {
    data: { boardId: stack.boardId, shotId: SHOT, model: 'previz', prompt: 'slow push in', params: { duration }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: plateSha256 }] },
  })
}

async function ledgerOf(generationId: string): Promise<{ kind: string; amount: number }[]> {
  return stack.sql<{ kind: string; amount: number }[]>`SELECT kind::text AS kind, amount FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
}

async function rowOf(generationId: string) {
  const [row] = await stack.sql<{ status: string; approval: string | null; error: string | null }[]>`SELECT status::text AS status, approval, error FROM generations WHERE id = ${generationId}`
  return row
}

async function feedTypes(who: BrowserContext): Promise<Array<{ type: string; boardId: string; [k: string]: unknown }>> {
  const res = await who.request.get(`/api/feed?workspaceId=${stack.workspaceId}`)
  expect(res.status()).toBe(200)
  return ((await res.json()) as { items: Array<{ type: string; boardId: string }> }).items
}

async function setBudget(who: BrowserContext, budget: number | null) {
  return who.request.put(`/api/boards/${stack.boardId}/budget`, { data: { budget } })
}

async function setThreshold(who: BrowserContext, threshold: number | null) {
  return who.request.put(`/api/workspaces/${stack.workspaceId}/approval-threshold`, { data: { threshold } })
}

describe('board budgets', () => {
  it('refuses a job over what the budget has left, with the figures, charging nothing; warns from 80%', async () => {
    // An editor may not set a budget, and a budget must be a whole, positive number.
    expect((await setBudget(ben, 10)).status()).toBe(403)
    const bad = await setBudget(ada, 0)
    expect(bad.status()).toBe(400)
    expect((await bad.json()).error.message).toMatch(/budget/)
    const set = await setBudget(ada, 10)
    expect(set.status()).toBe(200)
    expect(await set.json()).toMatchObject({ budget: 10, spent: 0, remaining: 10, warning: false })

    // 8 of 10: accepted, and the board now warns (80%); the owner hears of it in the bell.
    const first = await previz(ben, 8)
    expect(first.status()).toBe(202)
    const budget = (await (await ben.request.get(`/api/boards/${stack.boardId}/budget`)).json()) as { spent: number; remaining: number; warning: boolean }
    expect(budget).toMatchObject({ spent: 8, remaining: 2, warning: true })
    await expect.poll(async () => (await feedTypes(sam)).find((i) => i.type === 'budget.warning'), { timeout: 15_000 }).toMatchObject({ boardId: stack.boardId, spent: 8, budget: 10 })
    // Ben is no approver: the warning is not his to see.
    expect((await feedTypes(ben)).some((i) => i.type === 'budget.warning')).toBe(false)

    // 4 more do not fit the 2 left: refused with both figures, nothing stored, nothing charged.
    const balance = await getCreditBalance(stack.sql, stack.workspaceId)
    const rowsOnBoard = async () => (await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations WHERE board_id = ${stack.boardId}`)[0]?.n
    const rowsBefore = await rowsOnBoard()
    const over = await previz(ben, 4)
    expect(over.status()).toBe(402)
    expect((await over.json()).error).toEqual({ code: 'BUDGET_EXCEEDED', message: `This job costs 4 credits; the board '${boardName}' has 2 of its 10-credit budget left.` })
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balance)
    expect(await rowsOnBoard()).toBe(rowsBefore)

    // Exactly what is left still fits.
    expect((await previz(ben, 2)).status()).toBe(202)
    expect((await (await ben.request.get(`/api/boards/${stack.boardId}/budget`)).json()).remaining).toBe(0)

    // Raising the budget lets jobs through again; removing it leaves no limit.
    expect((await setBudget(sam, null)).status()).toBe(200)
  })
})

describe('approval threshold', () => {
  it('a job above it waits; an editor cannot approve; a producer approves and it runs, charged as usual', async () => {
    expect((await setThreshold(ben, 3)).status()).toBe(403)
    expect((await setThreshold(sam, -1)).status()).toBe(400)
    expect((await setThreshold(sam, 3)).status()).toBe(200)
    expect((await (await ben.request.get(`/api/workspaces/${stack.workspaceId}/approval-threshold`)).json()).threshold).toBe(3)
    const balance = await getCreditBalance(stack.sql, stack.workspaceId)

    const res = await previz(ben, 4)
    expect(res.status()).toBe(202)
    const job = (await res.json()) as { generationId: string; variationId: string; awaitingApproval?: boolean }
    expect(job.awaitingApproval).toBe(true)
    expect(await rowOf(job.generationId)).toMatchObject({ status: 'queued', approval: 'awaiting' })
    // Nothing reserved while it waits.
    expect(await ledgerOf(job.generationId)).toEqual([])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balance)
    // The approvers hear of it; the requester's API shows it waiting.
    await expect.poll(async () => (await feedTypes(ada)).find((i) => i.type === 'approval.requested' && i.generationId === job.generationId), { timeout: 30_000 }).toMatchObject({ credits: 4, variationId: job.variationId })
    // Still waiting a moment later: the workflow does not run it on its own.
    await new Promise((r) => setTimeout(r, 1500))
    expect(await rowOf(job.generationId)).toMatchObject({ status: 'queued', approval: 'awaiting' })

    const editorTry = await ben.request.post(`/api/generations/${job.generationId}/approval`, { data: { decision: 'approve' } })
    expect(editorTry.status()).toBe(403)
    const badDecision = await ada.request.post(`/api/generations/${job.generationId}/approval`, { data: { decision: 'maybe' } })
    expect(badDecision.status()).toBe(400)

    const approved = await ada.request.post(`/api/generations/${job.generationId}/approval`, { data: { decision: 'approve' } })
    expect(approved.status()).toBe(200)
    expect(await approved.json()).toMatchObject({ approval: 'approved', approvalBy: { name: 'Ada Moreau' } })
    await expect.poll(async () => (await rowOf(job.generationId))?.status, { timeout: 180_000 }).toBe('succeeded')
    expect(await ledgerOf(job.generationId)).toEqual([
      { kind: 'reserve', amount: -4 },
      { kind: 'settle', amount: 0 },
    ])
    // A second decision is refused, naming the first.
    const again = await sam.request.post(`/api/generations/${job.generationId}/approval`, { data: { decision: 'refuse' } })
    expect(again.status()).toBe(409)
    expect((await again.json()).error.message).toBe('This job was already approved by Ada Moreau.')
  })

  it('a producer refuses: the job ends refused by them and nothing is charged', async () => {
    const balance = await getCreditBalance(stack.sql, stack.workspaceId)
    const job = (await (await previz(ben, 4)).json()) as { generationId: string; awaitingApproval?: boolean }
    expect(job.awaitingApproval).toBe(true)
    const refused = await ada.request.post(`/api/generations/${job.generationId}/approval`, { data: { decision: 'refuse' } })
    expect(refused.status()).toBe(200)
    expect(await rowOf(job.generationId)).toMatchObject({ status: 'cancelled', approval: 'refused', error: 'Refused by Ada Moreau.' })
    // The workflow ends without reserving anything.
    await expect.poll(async () => (await stack.temporal.workflow.getHandle(`generation/${job.generationId}`).describe()).status.name, { timeout: 30_000 }).toBe('FAILED')
    expect(await ledgerOf(job.generationId)).toEqual([])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balance)
  })

  it('in the browser: the card says it awaits approval; the producer approves from it; the editor cannot', async () => {
    const job = (await (await previz(ben, 4)).json()) as { generationId: string; variationId: string }
    const [adaPage, benPage] = await Promise.all([ada.newPage(), ben.newPage()])
    await Promise.all([openBoard(adaPage, stack.boardId), openBoard(benPage, stack.boardId)])
    const adaCard = adaPage.locator(`[data-testid=variation][data-shape-id="${job.variationId}"]`)
    const benCard = benPage.locator(`[data-testid=variation][data-shape-id="${job.variationId}"]`)
    await expect.poll(() => adaCard.getAttribute('data-status'), { timeout: 30_000 }).toBe('awaiting_approval')
    await expect.poll(() => benCard.getAttribute('data-status'), { timeout: 30_000 }).toBe('awaiting_approval')
    expect(await adaCard.locator('[data-testid=variation-awaiting]').textContent()).toMatch(/Awaiting approval.*4 credits/)
    expect(await benCard.locator('[data-testid=variation-approve]').count()).toBe(0)
    expect(await benCard.textContent()).toMatch(/An owner or producer decides/)
    await showShapes(adaPage, [job.variationId])
    await adaPage.screenshot({ path: path.join(SCREENSHOT_DIR, 'awaiting-approval.png') })
    // Ada's bell names the request.
    await adaPage.locator('[data-testid=feed-bell]').click()
    const request = adaPage.locator('[data-testid=feed-item][data-type="approval.requested"]').first()
    await request.waitFor({ timeout: 30_000 })
    expect(await request.textContent()).toMatch(/asks for approval of a 4-credit/)
    await adaPage.screenshot({ path: path.join(SCREENSHOT_DIR, 'approval-bell.png') })
    await adaPage.locator('[data-testid=feed-bell]').click()

    await adaCard.locator('[data-testid=variation-approve]').click()
    await expect.poll(() => adaCard.getAttribute('data-status'), { timeout: 60_000 }).toMatch(/running|succeeded/)
    await expect.poll(async () => (await rowOf(job.generationId))?.approval).toBe('approved')
    await expect.poll(() => benCard.getAttribute('data-status'), { timeout: 180_000 }).toBe('succeeded')
    await Promise.all([adaPage.close(), benPage.close()])
  })

  it('the credits page shows the budgets and the threshold; the board warns from 80%', async () => {
    expect((await setThreshold(sam, null)).status()).toBe(200)
    // Spent so far on the board: 8 + 2 + 4 + 4 = 18 (the refused job charged nothing); a 20-credit budget is at 90%.
    expect((await setBudget(ada, 20)).status()).toBe(200)
    const page = await ada.newPage()
    await page.goto(`/workspaces/${stack.workspaceId}/credits`)
    const row = page.locator(`[data-testid=budget-row][data-board-id="${stack.boardId}"]`)
    expect(await row.getAttribute('data-state')).toBe('warn')
    expect(await row.textContent()).toMatch(/18 of 20 spent · 2 left · over 80%/)
    expect(await page.locator('[data-testid=approval-threshold]').inputValue()).toBe('')
    await page.locator('[data-testid=budgets]').screenshot({ path: path.join(SCREENSHOT_DIR, 'budgets.png') })

    // Setting a budget from the page: a bad value is named, a good one saved.
    await row.locator('[data-testid=budget-input]').fill('ten')
    await row.locator('[data-testid=budget-save]').click()
    expect(await row.locator('[data-testid=budget-error]').textContent()).toMatch(/whole number/)
    await row.locator('[data-testid=budget-input]').fill('19')
    await row.locator('[data-testid=budget-save]').click()
    await expect.poll(async () => (await stack.sql<{ b: number }[]>`SELECT budget_credits AS b FROM boards WHERE id = ${stack.boardId}`)[0]?.b).toBe(19)

    await openBoard(page, stack.boardId)
    const banner = page.locator('[data-testid=budget-banner]')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.textContent()).toMatch(/94% of its 19-credit budget: 1 credits? left/)
    expect(await page.locator('[data-testid=board-budget]').getAttribute('data-warning')).toBe('true')
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'budget-banner.png') })
    await page.close()
  })
})
