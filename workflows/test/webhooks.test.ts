import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstream } from '@nats-io/jetstream'
import { SEQUENCE_RENDER_MODEL, ZWebhookEvent, type TGenerationInput, type TGenerationOutput, type TWebhookEventType, type TWebhookRetry } from '@montage/core'
import { verifyWebhookSignature } from '@montage/core/webhooks'
import { createWebhookEndpoint, listWebhookDeliveries, recordWebhookEvent, replayWebhookDelivery, setWebhookEndpointPaused } from '@montage/db'
import { createControlActivities, createControlWorker, createWebhookActivities, startGenerationWorkflow, startWebhookDeliveries, sweepWebhookDeliveries } from '../src'
import { startWebhookReceiver, type TReceivedWebhook } from '../testing/webhook-receiver'
import { createControlGeneration, startControlRig, type TControlRig } from './helpers'

// Real PostgreSQL, NATS and Temporal: deliveries run as workflows on the control worker and POST
// to an HTTP server on loopback (allowed explicitly, as MONTAGE_WEBHOOKS_ALLOW_PRIVATE=1 does).
const PREFIX = `wh-${randomUUID().slice(0, 8)}`
const RETRY: TWebhookRetry = { initialIntervalMs: 100, maximumIntervalMs: 400, maximumAttempts: 10 }
let rig: TControlRig

beforeAll(async () => {
  rig = await startControlRig(PREFIX, { webhooks: { retry: RETRY, allowPrivate: true } })
})

afterAll(async () => {
  await rig?.close()
})

/** The control activities wired as the control worker wires them, starting deliveries on this rig's queue. */
function controlActivities() {
  const webhooks = createWebhookActivities({ db: rig.sql, client: rig.client, taskQueuePrefix: PREFIX, retry: RETRY, allowPrivate: true })
  return createControlActivities({ db: rig.sql, js: jetstream(rig.nc), emitWebhookEvent: webhooks.emitWebhookEvent })
}

async function waitForDeliveries(workspaceId: string, endpointId: string, done: (statuses: string[]) => boolean) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const deliveries = await listWebhookDeliveries(rig.sql, { workspaceId, endpointId })
    if (done(deliveries.map((d) => d.status)) || Date.now() > deadline) return deliveries
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The parsed event of a received request whose signature verifies with `secret` under the documented scheme. */
function verified(req: TReceivedWebhook, secret: string) {
  const check = verifyWebhookSignature({ secret, body: req.body, header: req.headers['montage-signature'] as string })
  expect(check).toEqual({ ok: true, timestamp: expect.any(Number) })
  return ZWebhookEvent.parse(JSON.parse(req.body))
}

const sha = (c: string) => c.repeat(64)
const OUTPUT: TGenerationOutput = {
  assetSha256: sha('a'), byteSize: 1000, posterSha256: sha('b'), posterByteSize: 100, mimeType: 'video/mp4', width: 1280, height: 720, durationSeconds: 2, fps: 24,
}

describe('webhook deliveries', () => {
  it('an endpoint that answers 500 three times, then 200, has the delivery marked delivered once, after four listed attempts', async () => {
    const receiver = await startWebhookReceiver((n) => (n <= 3 ? 500 : 200))
    try {
      const control = controlActivities()
      const input = await createControlGeneration(rig.sql, { credits: 2, userName: 'Ana' })
      const { endpoint, secret } = await createWebhookEndpoint(rig.sql, { workspaceId: input.workspaceId, url: receiver.url, events: ['generation.succeeded'], createdBy: input.userId })
      await control.reserveGenerationCredits(input)
      await control.completeGeneration({ input, output: OUTPUT })
      // A retried activity records and starts nothing more.
      await control.completeGeneration({ input, output: OUTPUT })

      const deliveries = await waitForDeliveries(input.workspaceId, endpoint.id, (s) => s.length > 0 && s.every((x) => x !== 'pending'))
      expect(deliveries).toHaveLength(1)
      const [d] = deliveries
      expect(d!.status).toBe('delivered')
      expect(d!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 200])
      expect(d!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4])
      expect(d!.attempts[0]!.responseBody).toBe('answer 500 to request 1')
      expect(d!.attempts[3]!.responseBody).toBe('answer 200 to request 4')
      const [started] = await rig.sql<{ started_at: Date | null }[]>`SELECT started_at FROM webhook_deliveries WHERE id = ${d!.id}`
      expect(started!.started_at).not.toBeNull()

      const got = receiver.received
      expect(got).toHaveLength(4)
      // The same delivery and the same body each time, signed afresh.
      expect(new Set(got.map((r) => r.headers['montage-delivery']))).toEqual(new Set([d!.id]))
      expect(new Set(got.map((r) => r.body)).size).toBe(1)
      for (const r of got) expect(verified(r, secret)).toMatchObject({ type: 'generation.succeeded', id: `generation.succeeded:${input.generationId}` })
      // Backoff: each wait at least the policy's interval.
      expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(90)
      expect(got[3]!.at - got[2]!.at).toBeGreaterThanOrEqual(300)
    } finally {
      await receiver.close()
    }
  })

  it('generation succeeded and failed and sequence rendered arrive signed, each to the endpoints subscribed to it', async () => {
    const receiver = await startWebhookReceiver()
    try {
      const control = controlActivities()
      const ok = await createControlGeneration(rig.sql, { credits: 2, userName: 'Bo' })
      const { secret } = await createWebhookEndpoint(rig.sql, { workspaceId: ok.workspaceId, url: receiver.url, events: ['generation.succeeded', 'generation.failed', 'sequence.rendered'], createdBy: ok.userId })
      // Another endpoint of the workspace, listening to comments only: it gets none of these.
      const other = await createWebhookEndpoint(rig.sql, { workspaceId: ok.workspaceId, url: `${receiver.url}/comments`, events: ['comment.created'], createdBy: ok.userId })
      await control.reserveGenerationCredits(ok)
      await control.completeGeneration({ input: ok, output: OUTPUT })

      const failed = { ...ok, generationId: randomUUID(), variationId: `shape:v${randomUUID().slice(0, 8)}` }
      await rig.sql`INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by)
        VALUES (${failed.generationId}, ${ok.workspaceId}, ${ok.boardId}, ${ok.shotId}, ${failed.variationId}, 'previz', '{}', 2, ${'generation/' + failed.generationId}, ${ok.userId})`
      await control.finishGenerationUnsuccessfully({ input: failed, status: 'failed', reason: 'The plate could not be read.' })

      const render = { ...ok, model: SEQUENCE_RENDER_MODEL, generationId: randomUUID(), variationId: `shape:v${randomUUID().slice(0, 8)}` }
      await rig.sql`INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by)
        VALUES (${render.generationId}, ${ok.workspaceId}, ${ok.boardId}, ${ok.shotId}, ${render.variationId}, ${SEQUENCE_RENDER_MODEL}, '{}', 2, ${'generation/' + render.generationId}, ${ok.userId})`
      await control.completeGeneration({ input: render, output: { ...OUTPUT, assetSha256: sha('c'), proresSha256: sha('d') } })

      // A cancel is not announced.
      const cancelled = { ...ok, generationId: randomUUID(), variationId: `shape:v${randomUUID().slice(0, 8)}` }
      await rig.sql`INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by)
        VALUES (${cancelled.generationId}, ${ok.workspaceId}, ${ok.boardId}, ${ok.shotId}, ${cancelled.variationId}, 'previz', '{}', 2, ${'generation/' + cancelled.generationId}, ${ok.userId})`
      await control.finishGenerationUnsuccessfully({ input: cancelled, status: 'cancelled', reason: 'Cancelled.' })

      const got = await receiver.waitFor(3)
      await new Promise((r) => setTimeout(r, 500))
      expect(receiver.received).toHaveLength(3)
      const byType = new Map(got.map((r) => [r.headers['montage-event'] as TWebhookEventType, verified(r, secret)]))
      expect([...byType.keys()].sort()).toEqual(['generation.failed', 'generation.succeeded', 'sequence.rendered'])
      expect(byType.get('generation.succeeded')).toMatchObject({ workspaceId: ok.workspaceId, data: { generationId: ok.generationId, boardId: ok.boardId, variationId: ok.variationId, outputSha256: sha('a'), mimeType: 'video/mp4' } })
      expect(byType.get('generation.failed')).toMatchObject({ data: { generationId: failed.generationId, error: 'The plate could not be read.' } })
      expect(byType.get('sequence.rendered')).toMatchObject({ data: { generationId: render.generationId, outputSha256: sha('c'), proresSha256: sha('d') } })
      // Signed with this endpoint's secret only: another secret does not verify.
      expect(verifyWebhookSignature({ secret: other.secret, body: got[0]!.body, header: got[0]!.headers['montage-signature'] as string })).toEqual({ ok: false, reason: 'no signature matches' })
      expect(await listWebhookDeliveries(rig.sql, { workspaceId: ok.workspaceId, endpointId: other.endpoint.id })).toEqual([])
    } finally {
      await receiver.close()
    }
  })

  it('a generation workflow that fails on the control worker has its generation.failed delivered by the deliveries the worker starts itself', async () => {
    const receiver = await startWebhookReceiver()
    try {
      // More credits than the studio's 10: the workflow's reservation fails, and the worker records the failure.
      const input = await createControlGeneration(rig.sql, { credits: 100, userName: 'Eve' })
      const { secret } = await createWebhookEndpoint(rig.sql, { workspaceId: input.workspaceId, url: receiver.url, events: ['generation.failed'], createdBy: input.userId })
      const handle = await startGenerationWorkflow({ client: rig.client, taskQueuePrefix: PREFIX, input: input as TGenerationInput })
      await expect(handle.result()).rejects.toThrow()
      const [got] = await receiver.waitFor(1)
      expect(verified(got!, secret)).toMatchObject({ type: 'generation.failed', id: `generation.failed:${input.generationId}`, data: { generationId: input.generationId, error: expect.stringMatching(/credit/i) } })
    } finally {
      await receiver.close()
    }
  })

  it('a paused endpoint has its deliveries recorded as skipped and sent nothing; a replay after resuming sends the same event', async () => {
    const receiver = await startWebhookReceiver()
    try {
      const input = await createControlGeneration(rig.sql, { credits: 2, userName: 'Cy' })
      const { endpoint, secret } = await createWebhookEndpoint(rig.sql, { workspaceId: input.workspaceId, url: receiver.url, events: ['generation.failed'], createdBy: input.userId })
      await setWebhookEndpointPaused(rig.sql, { workspaceId: input.workspaceId, endpointId: endpoint.id, paused: true })
      await controlActivities().finishGenerationUnsuccessfully({ input, status: 'failed', reason: 'Out of memory.' })
      const [skipped] = await listWebhookDeliveries(rig.sql, { workspaceId: input.workspaceId, endpointId: endpoint.id })
      expect(skipped).toMatchObject({ status: 'skipped', attempts: [] })
      await new Promise((r) => setTimeout(r, 500))
      expect(receiver.received).toHaveLength(0)

      await setWebhookEndpointPaused(rig.sql, { workspaceId: input.workspaceId, endpointId: endpoint.id, paused: false })
      const replayId = await replayWebhookDelivery(rig.sql, { workspaceId: input.workspaceId, deliveryId: skipped!.id })
      await startWebhookDeliveries({ client: rig.client, db: rig.sql, taskQueuePrefix: PREFIX, deliveryIds: [replayId!], retry: RETRY })
      const [got] = await receiver.waitFor(1)
      expect(got!.headers['montage-delivery']).toBe(replayId)
      expect(verified(got!, secret)).toMatchObject({ id: `generation.failed:${input.generationId}`, data: { error: 'Out of memory.' } })
      const deliveries = await waitForDeliveries(input.workspaceId, endpoint.id, (s) => s.includes('delivered'))
      expect(deliveries.map((d) => [d.status, d.replayOf])).toEqual([['delivered', skipped!.id], ['skipped', null]])
      // Another workspace cannot replay it.
      expect(await replayWebhookDelivery(rig.sql, { workspaceId: randomUUID(), deliveryId: skipped!.id })).toBeNull()
    } finally {
      await receiver.close()
    }
  })

  it('a delivery recorded but never started (Temporal unreachable from web) is started by the sweep, once', async () => {
    const receiver = await startWebhookReceiver()
    try {
      const input = await createControlGeneration(rig.sql, { credits: 2, userName: 'Fay' })
      const { endpoint, secret } = await createWebhookEndpoint(rig.sql, { workspaceId: input.workspaceId, url: receiver.url, events: ['decision.recorded'], createdBy: input.userId })
      const [id] = await recordWebhookEvent(rig.sql, {
        id: `decision.recorded:${randomUUID()}`, type: 'decision.recorded', workspaceId: input.workspaceId, createdAt: new Date().toISOString(),
        data: { decisionId: randomUUID(), boardId: input.boardId, variationId: input.variationId, decision: 'approved', note: null, by: { id: input.userId, name: 'Fay' } },
      })
      // Too recent: whoever recorded it may still be starting it.
      await sweepWebhookDeliveries({ db: rig.sql, client: rig.client, taskQueuePrefix: PREFIX, retry: RETRY, olderThanMs: 60_000 })
      await new Promise((r) => setTimeout(r, 300))
      expect(receiver.received).toHaveLength(0)

      await rig.sql`UPDATE webhook_deliveries SET created_at = now() - interval '2 minutes' WHERE id = ${id!}`
      expect(await sweepWebhookDeliveries({ db: rig.sql, client: rig.client, taskQueuePrefix: PREFIX, retry: RETRY, olderThanMs: 60_000 })).toBeGreaterThanOrEqual(1)
      const [got] = await receiver.waitFor(1)
      expect(got!.headers['montage-delivery']).toBe(id)
      verified(got!, secret)
      const [d] = await waitForDeliveries(input.workspaceId, endpoint.id, (s) => s.includes('delivered'))
      expect(d!.status).toBe('delivered')
      // Marked started: the next sweep leaves it alone.
      const [row] = await rig.sql<{ started_at: Date | null }[]>`SELECT started_at FROM webhook_deliveries WHERE id = ${id!}`
      expect(row!.started_at).not.toBeNull()
      await sweepWebhookDeliveries({ db: rig.sql, client: rig.client, taskQueuePrefix: PREFIX, retry: RETRY, olderThanMs: 60_000 })
      await new Promise((r) => setTimeout(r, 300))
      expect(receiver.received).toHaveLength(1)
    } finally {
      await receiver.close()
    }
  })

  it('an endpoint that never accepts has the delivery marked failed after the last attempt; a private target is refused without the allowance', async () => {
    const receiver = await startWebhookReceiver(() => 503)
    try {
      const input = await createControlGeneration(rig.sql, { credits: 2, userName: 'Di' })
      const { endpoint } = await createWebhookEndpoint(rig.sql, { workspaceId: input.workspaceId, url: receiver.url, events: ['generation.failed'], createdBy: input.userId })
      const [id] = await recordWebhookEvent(rig.sql, {
        id: `generation.failed:${input.generationId}`, type: 'generation.failed', workspaceId: input.workspaceId, createdAt: new Date().toISOString(),
        data: { generationId: input.generationId, boardId: input.boardId, shotId: input.shotId, variationId: input.variationId, model: 'previz', error: 'x' },
      })
      await startWebhookDeliveries({ client: rig.client, db: rig.sql, taskQueuePrefix: PREFIX, deliveryIds: [id!], retry: { initialIntervalMs: 50, maximumIntervalMs: 100, maximumAttempts: 3 } })
      const [d] = await waitForDeliveries(input.workspaceId, endpoint.id, (s) => s.includes('failed'))
      expect(d!.status).toBe('failed')
      expect(d!.attempts.map((a) => a.statusCode)).toEqual([503, 503, 503])

      // A control worker without the allowance refuses the loopback target before any request, once, and records why.
      const strictPrefix = `${PREFIX}-strict`
      rig.run(await createControlWorker({ connection: rig.nativeConnection, namespace: 'default', taskQueuePrefix: strictPrefix, db: rig.sql, js: jetstream(rig.nc), webhooks: { retry: RETRY, allowPrivate: false } }))
      const replayId = await replayWebhookDelivery(rig.sql, { workspaceId: input.workspaceId, deliveryId: d!.id })
      const before = receiver.received.length
      await startWebhookDeliveries({ client: rig.client, db: rig.sql, taskQueuePrefix: strictPrefix, deliveryIds: [replayId!], retry: RETRY })
      const after = await waitForDeliveries(input.workspaceId, endpoint.id, (s) => s.filter((x) => x === 'failed').length === 2)
      const refused = after.find((x) => x.id === replayId)!
      expect(refused.status).toBe('failed')
      expect(refused.attempts).toHaveLength(1)
      expect(refused.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/127\.0\.0\.1 is a private, loopback or reserved address/) })
      expect(receiver.received.length).toBe(before)
    } finally {
      await receiver.close()
    }
  })
})
