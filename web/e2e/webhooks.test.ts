import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ZWebhookEvent, type TWebhookDelivery, type TWebhookEndpoint } from '@montage/core'
import { verifyWebhookSignature } from '@montage/core/webhooks'
import { createGeneration, finishGeneration } from '@montage/db'
import { startWebhookReceiver, type TReceivedWebhook, type TWebhookReceiver } from '@montage/workflows/testing'
import { SCREENSHOT_DIR, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, cookieFrom, signInCookie } from './review-fixtures'

// The real web and control worker (Temporal, PostgreSQL, NATS): comments and decisions made
// through the API arrive signed at an HTTP receiver on loopback, which the stack allows explicitly
// (MONTAGE_WEBHOOKS_ALLOW_PRIVATE=1); the settings page lists them with their attempts.
let stack: E2EStack
let receiver: TWebhookReceiver
let owner: { cookie: string; userId: string }

beforeAll(async () => {
  stack = await startE2EStack({
    // The collab-server stores the variation a review guest comments on (guests read the stored board).
    services: ['web', 'workflows', 'collab-server'],
    env: { MONTAGE_WEBHOOKS_ALLOW_PRIVATE: '1', WEBHOOK_RETRY_INITIAL_MS: '100', WEBHOOK_RETRY_MAX_INTERVAL_MS: '400' },
  })
  receiver = await startWebhookReceiver()
  owner = await signInCookie(stack, 'local:sam')
}, 240_000)

afterAll(async () => {
  await receiver?.close()
  await stack?.close()
})

async function api<T>(who: { cookie: string }, method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${stack.baseUrl}${url}`, {
    method,
    headers: { cookie: who.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json().catch(() => null)) as T }
}

/** A finished generation's variation on the demo board, as a comment or a decision needs one. */
async function finishedVariation(): Promise<string> {
  const id = randomUUID()
  const variationId = `shape:wh-${id.slice(0, 8)}`
  await createGeneration(stack.sql, { id, workspaceId: stack.workspaceId, boardId: stack.boardId, shotId: 'shape:wh-shot', variationId, model: 'previz', params: {}, credits: 0, workflowId: `generation/${id}`, createdBy: owner.userId })
  await finishGeneration(stack.sql, { id, status: 'succeeded', outputAsset: 'a'.repeat(64), posterAsset: 'b'.repeat(64) })
  return variationId
}

function verified(req: TReceivedWebhook, secret: string) {
  expect(verifyWebhookSignature({ secret, body: req.body, header: req.headers['montage-signature'] as string })).toMatchObject({ ok: true })
  return ZWebhookEvent.parse(JSON.parse(req.body))
}

async function deliveriesOf(endpointId: string, done: (d: TWebhookDelivery[]) => boolean): Promise<TWebhookDelivery[]> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const { json } = await api<{ deliveries: TWebhookDelivery[] }>(owner, 'GET', `/api/workspaces/${stack.workspaceId}/webhooks/${endpointId}/deliveries`)
    if (done(json.deliveries) || Date.now() > deadline) return json.deliveries
    await new Promise((r) => setTimeout(r, 150))
  }
}

describe('webhooks', () => {
  let endpoint: TWebhookEndpoint
  let secret: string

  it('refuses bad endpoints with the reason, storing nothing, and lets only owners and producers manage them', async () => {
    const base = `/api/workspaces/${stack.workspaceId}/webhooks`
    const ftp = await api<{ error: { message: string; field: string } }>(owner, 'POST', base, { url: 'ftp://example.com/x', events: ['comment.created'] })
    expect(ftp.status).toBe(400)
    expect(ftp.json.error).toMatchObject({ field: 'url', message: 'url: only http:// and https:// URLs are allowed' })
    const noEvents = await api<{ error: { message: string } }>(owner, 'POST', base, { url: receiver.url, events: [] })
    expect(noEvents.status).toBe(400)
    const unknownEvent = await api<{ error: { message: string } }>(owner, 'POST', base, { url: receiver.url, events: ['board.deleted'] })
    expect(unknownEvent.status).toBe(400)
    expect((await api<{ endpoints: unknown[] }>(owner, 'GET', base)).json.endpoints).toEqual([])

    const editor = await signInCookie(stack, 'local:ben')
    expect((await api(editor, 'GET', base)).status).toBe(403)
    expect((await api(editor, 'POST', base, { url: receiver.url, events: ['comment.created'] })).status).toBe(403)
    const producer = await signInCookie(stack, 'local:ada')
    const made = await api<{ endpoint: TWebhookEndpoint }>(producer, 'POST', base, { url: `${receiver.url}/producer`, events: ['generation.failed'] })
    expect(made.status).toBe(201)
    expect((await api(producer, 'DELETE', `${base}/${made.json.endpoint.id}`)).status).toBe(200)
    expect((await api(producer, 'DELETE', `${base}/${made.json.endpoint.id}`)).status).toBe(404)
    expect((await api(producer, 'PATCH', `${base}/not-a-uuid`, { paused: true })).status).toBe(404)
  })

  it('a comment and a decision arrive signed with the secret shown once; each delivery is listed with its attempt', async () => {
    const created = await api<{ endpoint: TWebhookEndpoint; secret: string }>(owner, 'POST', `/api/workspaces/${stack.workspaceId}/webhooks`, {
      url: receiver.url, description: 'Pipeline bridge', events: ['comment.created', 'decision.recorded'],
    })
    expect(created.status).toBe(201)
    ;({ endpoint, secret } = created.json)
    expect(secret).toMatch(/^whsec_/)
    const listed = await api<{ endpoints: Record<string, unknown>[] }>(owner, 'GET', `/api/workspaces/${stack.workspaceId}/webhooks`)
    expect(JSON.stringify(listed.json)).not.toContain(secret)

    const variationId = await finishedVariation()
    const comment = await api<{ comment: { id: string } }>(owner, 'POST', `/api/boards/${stack.boardId}/comments`, { variationId, body: 'Hold the last frame longer', timeSeconds: 0.5 })
    expect(comment.status).toBe(201)
    const decision = await api<{ decision: { id: string } }>(owner, 'POST', `/api/boards/${stack.boardId}/variations/${encodeURIComponent(variationId)}/decision`, { decision: 'approved', note: 'Ship it' })
    expect(decision.status).toBe(201)

    const got = await receiver.waitFor(2)
    expect(got).toHaveLength(2)
    const events = got.map((r) => verified(r, secret))
    const c = events.find((e) => e.type === 'comment.created')
    const d = events.find((e) => e.type === 'decision.recorded')
    expect(c).toMatchObject({ id: `comment.created:${comment.json.comment.id}`, workspaceId: stack.workspaceId, data: { commentId: comment.json.comment.id, boardId: stack.boardId, variationId, body: 'Hold the last frame longer', timeSeconds: 0.5, author: { id: owner.userId, name: 'Sam Reyes', guest: false } } })
    expect(d).toMatchObject({ id: `decision.recorded:${decision.json.decision.id}`, data: { decisionId: decision.json.decision.id, variationId, decision: 'approved', note: 'Ship it', by: { id: owner.userId } } })
    expect(got.map((r) => r.headers['montage-event']).sort()).toEqual(['comment.created', 'decision.recorded'])

    const deliveries = await deliveriesOf(endpoint.id, (ds) => ds.length === 2 && ds.every((x) => x.status === 'delivered'))
    expect(deliveries.map((x) => x.status)).toEqual(['delivered', 'delivered'])
    for (const x of deliveries) expect(x.attempts).toMatchObject([{ attempt: 1, statusCode: 200, error: null }])
    expect(new Set(got.map((r) => r.headers['montage-delivery']))).toEqual(new Set(deliveries.map((x) => x.id)))
  })

  it("a review guest's comment arrives too, its author marked as a guest", async () => {
    const before = receiver.received.length
    const variation = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: 'shape:demo-shot-1', createdBy: owner.userId })
    const link = await api<{ link: { url: string } }>(owner, 'POST', `/api/boards/${stack.boardId}/review-links`, { scope: 'board', expiresInHours: 24 })
    expect(link.status).toBe(201)
    const r = `/api/r/${link.json.link.url.replace(/^\/r\//, '')}`
    const opened = await fetch(`${stack.baseUrl}${r}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Carla Client' }) })
    expect(opened.status).toBe(201)
    const guest = { cookie: cookieFrom(opened, 'montage_guest') }
    const comment = await api<{ comment: { id: string } }>(guest, 'POST', `${r}/comments`, { variationId: variation.variationId, body: 'Love the light' })
    expect(comment.status).toBe(201)
    const got = await receiver.waitFor(before + 1)
    expect(verified(got[before]!, secret)).toMatchObject({ type: 'comment.created', data: { commentId: comment.json.comment.id, variationId: variation.variationId, author: { id: null, name: 'Carla Client', guest: true } } })
  })

  it('paused, a comment is recorded as skipped and not sent; resumed, its replay arrives', async () => {
    const base = `/api/workspaces/${stack.workspaceId}/webhooks/${endpoint.id}`
    expect((await api<{ endpoint: TWebhookEndpoint }>(owner, 'PATCH', base, { paused: true })).json.endpoint.paused).toBe(true)
    const before = receiver.received.length
    const variationId = await finishedVariation()
    expect((await api(owner, 'POST', `/api/boards/${stack.boardId}/comments`, { variationId, body: 'While paused' })).status).toBe(201)
    const [skipped] = await deliveriesOf(endpoint.id, (ds) => ds.length === 4)
    expect(skipped).toMatchObject({ eventType: 'comment.created', status: 'skipped', attempts: [] })
    await new Promise((r) => setTimeout(r, 500))
    expect(receiver.received.length).toBe(before)

    expect((await api<{ endpoint: TWebhookEndpoint }>(owner, 'PATCH', base, { paused: false })).json.endpoint.paused).toBe(false)
    const replay = await api<{ deliveryId: string }>(owner, 'POST', `/api/workspaces/${stack.workspaceId}/webhooks/deliveries/${skipped!.id}/replay`)
    expect(replay.status).toBe(202)
    const got = await receiver.waitFor(before + 1)
    const last = got[before]!
    expect(last.headers['montage-delivery']).toBe(replay.json.deliveryId)
    expect(verified(last, secret)).toMatchObject({ type: 'comment.created', id: skipped!.eventId, data: { body: 'While paused' } })
    const after = await deliveriesOf(endpoint.id, (ds) => ds[0]?.status === 'delivered')
    expect(after[0]).toMatchObject({ id: replay.json.deliveryId, replayOf: skipped!.id, status: 'delivered' })
    // Another workspace's delivery id names nothing here.
    expect((await api(owner, 'POST', `/api/workspaces/${stack.workspaceId}/webhooks/deliveries/${randomUUID()}/replay`)).status).toBe(404)
  })

  it('the settings page lists the endpoint, opens its deliveries with their attempts, and adds an endpoint showing its secret once', async () => {
    const context = await stack.signedIn('local:sam')
    const page = await context.newPage()
    await page.goto(`/workspaces/${stack.workspaceId}/settings`)
    await page.getByTestId('webhook-endpoint').first().waitFor()
    expect(await page.getByTestId('webhook-endpoint').count()).toBe(1)
    await page.getByTestId('webhook-expand').first().click()
    await page.getByTestId('webhook-delivery').first().waitFor()
    expect(await page.getByTestId('webhook-delivery').count()).toBe(5)
    expect(await page.getByTestId('webhook-delivery-status').allTextContents()).toEqual(['delivered', 'skipped', 'delivered', 'delivered', 'delivered'])
    expect(await page.getByTestId('webhook-attempt').first().textContent()).toContain('200')
    // Replay from the list (the first comment): a sixth delivery, newest first, pending until the receiver answers.
    const before = receiver.received.length
    await page.getByTestId('webhook-replay').nth(4).click()
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid="webhook-delivery"]')
      return rows.length === 6 && rows[0]!.getAttribute('data-status') === 'delivered'
    })
    expect(receiver.received.length).toBe(before + 1)
    expect(JSON.parse(receiver.received[before]!.body)).toMatchObject({ type: 'comment.created', data: { body: 'Hold the last frame longer' } })

    // `n` focuses the URL field; the new endpoint's secret is shown once.
    await page.keyboard.press('n')
    await page.keyboard.type(`${receiver.url}/second`)
    await page.getByTestId('webhook-event-comment.created').uncheck()
    await page.getByTestId('webhook-create').click()
    await page.getByTestId('webhook-secret').waitFor()
    expect(await page.getByTestId('webhook-secret').textContent()).toMatch(/whsec_/)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="webhook-endpoint"]').length === 2)
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'webhooks.png'), fullPage: true })

    await page.getByTestId('webhook-pause').nth(1).click()
    await page.waitForSelector('[data-testid="webhook-endpoint"][data-paused="1"]')
    await page.reload()
    const paused = await page.locator('[data-testid="webhook-endpoint"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-paused')))
    expect(paused).toEqual(['0', '1'])
    expect(await page.getByTestId('webhook-secret').count()).toBe(0)
    await context.close()
  })
})
