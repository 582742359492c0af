/**
 * Metrics (issue 13): every process of the stack serves `/metrics` on its `OPS_PORT`; after one
 * generation (a real previz render, started through the API) the job, latency and byte series
 * have moved, and the workers' scrapes carry the Temporal SDK's own series.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { readMetric } from '@montage/runtime/ops'
import { openBoard, startE2EStack, type E2EStack } from './harness'

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

const scrape = (name: 'web' | 'collab-server' | 'workflows' | 'gpu-worker' | 'hosted-worker') => stack.app.services[name]!.metrics()

describe('metrics', () => {
  it('every process answers its probes on its ops port', async () => {
    for (const service of Object.values(stack.app.services)) {
      const health = await fetch(`http://127.0.0.1:${service!.opsPort}/healthz`)
      expect(health.status, `${service!.name} /healthz`).toBe(200)
      const ready = await fetch(`http://127.0.0.1:${service!.opsPort}/readyz`)
      expect(ready.status, `${service!.name} /readyz`).toBe(200)
      expect(Object.values(((await ready.json()) as { checks: Record<string, string> }).checks).every((v) => v === 'ok')).toBe(true)
    }
    // web and the collab-server answer the probes on their main port too.
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200)
    expect((await fetch(`${stack.collabUrl.replace('ws://', 'http://')}/readyz`)).status).toBe(200)
  })

  it('after a generation, the job, latency and byte series have moved', async () => {
    const before = { web: await scrape('web'), workflows: await scrape('workflows') }
    const postsBefore = readMetric(before.web, 'montage_http_request_duration_seconds_count', { method: 'POST', route: '/api/generations', status: '202' }) ?? 0
    const succeededBefore = readMetric(before.workflows, 'montage_jobs_total', { state: 'succeeded', model: 'previz' }) ?? 0

    // A person on the board: their canvas's updates go through the collab-server.
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    const [plate] = await stack.sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type = 'image/png' LIMIT 1`
    const res = await ada.request.post('/api/generations', {
      data: { boardId: stack.boardId, shotId: 'shape:demo-shot-1', model: 'previz', prompt: 'a lighthouse at dusk', params: { duration: 2 }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: plate!.sha256 }] },
    })
    expect(res.status()).toBe(202)
    const { variationId } = (await res.json()) as { variationId: string }
    const card = page.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded')

    const web = await scrape('web')
    expect(readMetric(web, 'montage_http_request_duration_seconds_count', { method: 'POST', route: '/api/generations', status: '202' })).toBe(postsBefore + 1)
    expect(readMetric(web, 'montage_credits_total', { kind: 'reserved' })).toBeGreaterThanOrEqual(2)
    // Ids never become label values.
    expect(web).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/)

    // The succeeded row is written before the command that shows it, so the counter has moved by now.
    const workflows = await scrape('workflows')
    expect(readMetric(workflows, 'montage_jobs_total', { state: 'started', model: 'previz' })).toBeGreaterThanOrEqual(1)
    expect(readMetric(workflows, 'montage_jobs_total', { state: 'succeeded', model: 'previz' })).toBe(succeededBefore + 1)
    expect(readMetric(workflows, 'montage_credits_total', { kind: 'settled' })).toBeGreaterThanOrEqual(2)
    expect(workflows).toMatch(/^temporal_\w+/m)

    const collab = await scrape('collab-server')
    expect(readMetric(collab, 'montage_collab_websocket_connections')).toBeGreaterThanOrEqual(1)
    expect(readMetric(collab, 'montage_collab_update_latency_seconds_count')).toBeGreaterThan(0)

    const gpu = await scrape('gpu-worker')
    expect(readMetric(gpu, 'montage_activity_duration_seconds_count', { activity: 'renderPreviz', outcome: 'ok' })).toBeGreaterThanOrEqual(1)
    expect(readMetric(gpu, 'montage_asset_store_bytes_total', { direction: 'written' })).toBeGreaterThan(0)
    // The render read its plate through the store (withLocalFile), not a shared path.
    expect(readMetric(gpu, 'montage_asset_store_bytes_total', { direction: 'read' })).toBeGreaterThan(0)
    expect(gpu).toMatch(/^temporal_\w+/m)
    expect(readMetric(gpu, 'process_resident_memory_bytes')).toBeGreaterThan(0)

    const hosted = await scrape('hosted-worker')
    expect(hosted).toMatch(/^temporal_\w+/m)
    await page.close()
  })
})
