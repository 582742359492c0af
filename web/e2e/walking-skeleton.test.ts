import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Page } from 'playwright-core'
import { createWorkspace, getCreditBalance, upsertUser } from '@montage/db'
import { renderDemoPlate } from '@montage/infra'
import { SCREENSHOT_DIR, sessionTokenOf, startE2EStack, type E2EStack, openBoard } from './harness'

let stack: E2EStack

beforeAll(async () => {
  stack = await startE2EStack()
})

afterAll(async () => {
  await stack?.close()
})

/** Waits until the variation's video has metadata and its playhead moves; returns its duration. */
async function playingVideoDuration(page: Page, shotId: string): Promise<number> {
  const video = page.locator(`[data-testid=variation][data-shot-id="${shotId}"][data-status=succeeded] [data-testid=variation-video]`)
  await video.waitFor({ timeout: 180_000 })
  await page.waitForFunction(
    (el) => {
      const v = el as HTMLVideoElement
      if (v.paused) void v.play().catch(() => {})
      return v.readyState >= 2 && v.currentTime > 0.2
    },
    await video.elementHandle(),
    { timeout: 60_000, polling: 200 },
  )
  return video.evaluate((el) => (el as HTMLVideoElement).duration)
}

describe('walking skeleton', () => {
  it('A adds a reference and a shot and presses Generate; A and B both see the previz play', async () => {
    const ada = await stack.signedIn('local:ada') // producer
    const ben = await stack.signedIn('local:ben') // editor
    const pageA = await ada.newPage()
    const pageB = await ben.newPage()
    await openBoard(pageA, stack.boardId)
    await openBoard(pageB, stack.boardId)
    const shotIds = (page: Page) => page.locator('[data-testid=shot]').evaluateAll((els) => els.map((e) => e.getAttribute('data-shape-id')))
    // Bug: a stray local default page written before the first sync hid the seeded board.
    await expect.poll(async () => (await shotIds(pageB)).length, { timeout: 10_000 }).toBeGreaterThan(0)
    const shotsBefore = await shotIds(pageB)

    // A uploads a reference image (a new picture, not the seeded one) and adds a shot, which
    // links the reference selected after the upload. Its tag comes from the file name, in the
    // alphabet prompts take (lighthouse-wide.png → @lighthouse_wide).
    const platePath = path.join(stack.dataDir, 'lighthouse-wide.png')
    await writeFile(platePath, await renderDemoPlate(1280, 720))
    await pageA.locator('[data-testid=reference-file-input]').setInputFiles(platePath)
    await pageA.locator('[data-testid=reference][data-tag=lighthouse_wide]').waitFor({ timeout: 60_000 })
    await pageA.locator('[data-testid=add-shot]').click()
    await expect.poll(async () => (await shotIds(pageB)).length, { timeout: 30_000 }).toBe(shotsBefore.length + 1)
    const newShotId = (await shotIds(pageA)).find((id) => !shotsBefore.includes(id))!
    const newShot = pageA.locator(`[data-testid=shot][data-shape-id="${newShotId}"]`)
    await expect.poll(() => newShot.locator('[data-testid=shot-references]').textContent(), { timeout: 10_000 }).toContain('@lighthouse_wide')
    await newShot.locator('[data-testid=shot-duration]').selectOption('2')
    await expect.poll(() => newShot.locator('[data-testid=generate]').textContent()).toMatch(/2 credits/)

    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    await newShot.locator('[data-testid=generate]').click()

    // Both browsers play a ~2 s mp4.
    const [durationA, durationB] = await Promise.all([playingVideoDuration(pageA, newShotId), playingVideoDuration(pageB, newShotId)])
    expect(durationA).toBeGreaterThan(1.9)
    expect(durationA).toBeLessThan(2.1)
    expect(durationB).toBeCloseTo(durationA, 2)

    // It ran as a Temporal workflow whose render activity ran on the gpu-worker.
    const [generation] = await stack.sql<{ id: string; workflowId: string; status: string; credits: number }[]>`
      SELECT id, workflow_id AS "workflowId", status, credits FROM generations WHERE shot_id = ${newShotId}`
    expect(generation).toMatchObject({ status: 'succeeded', workflowId: `generation/${generation!.id}` })
    const history = await stack.temporal.workflow.getHandle(generation!.workflowId).fetchHistory()
    const events = history.events ?? []
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'renderPreviz')
    expect(scheduled?.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(`${stack.prefix}-gpu`)
    const started = events.find((e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString())
    expect(started?.activityTaskStartedEventAttributes?.identity).toMatch(/^gpu-worker@/)
    expect(events.some((e) => e.workflowExecutionCompletedEventAttributes)).toBe(true)
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore - generation!.credits)
    // What the people see: both top bars show the settled balance without a reload.
    for (const page of [pageA, pageB]) {
      await expect.poll(() => page.locator('[data-testid=credits]').textContent(), { timeout: 15_000 }).toContain(String(balanceBefore - generation!.credits))
    }

    // The README's picture: the whole board, the new variation playing.
    await pageA.locator('.tl-canvas').click({ position: { x: 40, y: 500 } })
    await pageA.keyboard.press('Shift+1')
    await pageA.waitForTimeout(600)
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await pageA.screenshot({ path: path.join(SCREENSHOT_DIR, 'board.png') })
    await ada.close()
    await ben.close()
  })

  it('a non-member gets 403 from the board API and close code 4403 from the collab-server', async () => {
    const outsider = await upsertUser(stack.sql, { authSubject: `local:outsider-${randomUUID()}`, name: 'Olga Outsider' })
    await createWorkspace(stack.sql, { name: 'Elsewhere', ownerId: outsider.id })
    const context = await stack.signedIn(outsider.authSubject)
    const res = await context.request.get(`/api/boards/${stack.boardId}`)
    expect(res.status()).toBe(403)
    expect((await res.json()).error.code).toBe('FORBIDDEN')

    const token = await sessionTokenOf(context)
    const code = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${stack.collabUrl}/boards/${stack.boardId}?token=${encodeURIComponent(token)}`)
      ws.on('close', (c) => resolve(c))
      ws.on('error', reject)
    })
    expect(code).toBe(4403)

    const page = await context.newPage()
    await page.goto(`/boards/${stack.boardId}`)
    await expect.poll(() => page.getByText(/not a member/i).count(), { timeout: 30_000 }).toBeGreaterThan(0)
    await context.close()
  })

  it('rejects bad generation requests with a 400 naming the field; no workflow starts and no credit moves', async () => {
    const ada = await stack.signedIn('local:ada')
    const good = {
      boardId: stack.boardId,
      shotId: 'shape:demo-shot-1',
      model: 'previz',
      params: { duration: 2 },
      references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: (await stack.sql`SELECT sha256 FROM assets LIMIT 1`)[0]!.sha256 }],
    }
    const generationsBefore = await stack.sql`SELECT id FROM generations`
    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const workflowsBefore = await stack.temporal.workflow.count(`TaskQueue = '${stack.prefix}-control'`)

    const cases: [object, string][] = [
      [{ ...good, model: 'gen9-ultra' }, 'model'],
      [{ ...good, params: { duration: -2 } }, 'params.duration'],
      [{ ...good, shotId: undefined }, 'shotId'],
    ]
    for (const [body, field] of cases) {
      const res = await ada.request.post('/api/generations', { data: body })
      expect(res.status(), field).toBe(400)
      const json = await res.json()
      expect(json.error.field).toBe(field)
      expect(json.error.message).toContain(field)
    }

    expect(await stack.sql`SELECT id FROM generations`).toHaveLength(generationsBefore.length)
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore)
    expect((await stack.temporal.workflow.count(`TaskQueue = '${stack.prefix}-control'`)).count).toBe(workflowsBefore.count)
    await ada.close()
  })

  it('a producer saves a checkpoint, adds a shot, restores: both people see the board as it was; a reviewer cannot', async () => {
    const ada = await stack.signedIn('local:ada')
    const ben = await stack.signedIn('local:ben')
    const pageA = await ada.newPage()
    const pageB = await ben.newPage()
    await openBoard(pageA, stack.boardId)
    await openBoard(pageB, stack.boardId)
    const shots = (page: Page) => page.locator('[data-testid=shot]').count()
    await expect.poll(() => shots(pageB), { timeout: 10_000 }).toBeGreaterThan(0)
    const before = await shots(pageB)

    await pageA.locator('[data-testid=history-button]').click()
    await pageA.locator('[data-testid=checkpoint-name]').fill('Before the extra shot')
    await pageA.locator('[data-testid=checkpoint-save]').click()
    const item = pageA.locator('[data-testid=checkpoint-item]', { hasText: 'Before the extra shot' })
    await item.waitFor({ timeout: 20_000 })
    await pageA.keyboard.press('Escape')

    await pageA.locator('[data-testid=add-shot]').click()
    await expect.poll(() => shots(pageB), { timeout: 20_000 }).toBe(before + 1)

    await pageA.locator('[data-testid=history-button]').click()
    await item.locator('[data-testid=checkpoint-restore]').click()
    await expect.poll(() => shots(pageB), { timeout: 20_000 }).toBe(before)
    await expect.poll(() => shots(pageA), { timeout: 20_000 }).toBe(before)
    // The restore kept what it replaced, so it can be undone.
    await expect.poll(() => pageA.locator('[data-testid=checkpoint-item]', { hasText: /before restoring/i }).count(), { timeout: 20_000 }).toBeGreaterThan(0)

    const rui = await stack.signedIn('local:rui') // reviewer
    const refused = await rui.request.post(`/api/boards/${stack.boardId}/checkpoints`, { data: { name: 'Mine' } })
    expect(refused.status()).toBe(403)
    const empty = await ada.request.post(`/api/boards/${stack.boardId}/checkpoints`, { data: { name: '  ' } })
    expect(empty.status()).toBe(400)
    expect((await empty.json()).error.field).toBe('name')
    await Promise.all([ada.close(), ben.close(), rui.close()])
  })
})
