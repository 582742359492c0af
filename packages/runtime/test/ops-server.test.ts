import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import {
  createAssetStoreMetrics,
  createHttpMetrics,
  createMetricsRegistry,
  meterAssetStore,
  opsPortFromEnv,
  readMetric,
  routePattern,
  startOpsServer,
  type OpsServer,
} from '../src/ops'

const servers: OpsServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function get(port: number, p: string) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`)
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') }
}

describe('startOpsServer', () => {
  it('answers /healthz, and /readyz with 503 naming the dependency that failed', async () => {
    let postgresUp = false
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      checks: [
        { name: 'postgres', check: async () => { if (!postgresUp) throw new Error('connection refused') } },
        { name: 'nats', check: async () => 1 },
      ],
      registry: createMetricsRegistry({ service: 'test' }),
    })
    servers.push(ops)
    expect(await get(ops.port, '/healthz')).toMatchObject({ status: 200, body: 'ok' })
    const down = await get(ops.port, '/readyz')
    expect(down.status).toBe(503)
    expect(JSON.parse(down.body)).toEqual({ ok: false, checks: { postgres: 'connection refused', nats: 'ok' } })
    postgresUp = true
    const up = await get(ops.port, '/readyz')
    expect(up.status).toBe(200)
    expect(JSON.parse(up.body)).toEqual({ ok: true, checks: { postgres: 'ok', nats: 'ok' } })
    expect((await get(ops.port, '/nope')).status).toBe(404)
  })

  it('fails a check that does not answer in time', async () => {
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', checks: [{ name: 'temporal', check: () => new Promise(() => {}) }], readyTimeoutMs: 50 })
    servers.push(ops)
    const res = await get(ops.port, '/readyz')
    expect(res.status).toBe(503)
    expect(JSON.parse(res.body).checks.temporal).toMatch(/no answer within 50 ms/)
  })

  it('serves our metrics and appends the Temporal SDK endpoint’s text', async () => {
    const sdk = createServer((_req, res) => res.end('# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available 5\n'))
    await new Promise<void>((r) => sdk.listen(0, '127.0.0.1', r))
    const sdkPort = (sdk.address() as { port: number }).port
    const registry = createMetricsRegistry({ service: 'web' })
    createHttpMetrics(registry).observe({ method: 'POST', path: '/api/generations', status: 202, seconds: 0.02 })
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', checks: [], registry, temporalMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` })
    servers.push(ops)
    const res = await get(ops.port, '/metrics')
    sdk.close()
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/text\/plain/)
    expect(readMetric(res.body, 'montage_http_request_duration_seconds_count', { service: 'web', method: 'POST', route: '/api/generations', status: '202' })).toBe(1)
    expect(res.body).toMatch(/process_cpu_user_seconds_total\{service="web"\}/)
    expect(res.body).toMatch(/temporal_worker_task_slots_available 5/)
  })
})

describe('routePattern', () => {
  it('takes ids out of paths', () => {
    expect(routePattern('/api/generations')).toBe('/api/generations')
    expect(routePattern('/api/generations/3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e/retry?x=1')).toBe('/api/generations/:id/retry')
    expect(routePattern(`/api/media/${'ab'.repeat(32)}`)).toBe('/api/media/:id')
    expect(routePattern('/invite/Zm9vYmFyYmF6cXV4cXV1eGZvb2Jhcg')).toBe('/invite/:id')
    expect(routePattern('/boards/12/shapes/shape%3Aabc')).toBe('/boards/:id/shapes/:id')
    expect(routePattern('/_next/static/chunks/app-123.js')).toBe('/_next/*')
    expect(routePattern('/a/b/c/d/e/f/g/h')).toBe('/a/b/c/d/e/*')
  })
})

describe('meterAssetStore', () => {
  it('counts bytes written by the put methods and read through read() and withLocalFile', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'runtime-store-'))
    const blobs = new Map<string, Buffer>()
    const store = {
      kind: 'local' as const,
      async putBytes(bytes: Uint8Array) {
        blobs.set('a', Buffer.from(bytes))
        return { sha256: 'a', byteSize: bytes.length }
      },
      async read(sha: string) {
        return Readable.from([blobs.get(sha)!])
      },
      async withLocalFile<T>(sha: string, fn: (file: string) => Promise<T>) {
        const file = path.join(dir, sha)
        await writeFile(file, blobs.get(sha)!)
        return fn(file)
      },
    }
    const registry = createMetricsRegistry({ service: 'gpu-worker' })
    const metered = meterAssetStore(store, createAssetStoreMetrics(registry))
    await metered.putBytes(new Uint8Array(1000))
    expect((await text(await metered.read('a'))).length).toBe(1000)
    expect(await metered.withLocalFile('a', async (file) => (await readFile(file)).length)).toBe(1000)
    const body = await registry.metrics()
    await rm(dir, { recursive: true, force: true })
    expect(readMetric(body, 'montage_asset_store_bytes_total', { service: 'gpu-worker', direction: 'written' })).toBe(1000)
    expect(readMetric(body, 'montage_asset_store_bytes_total', { direction: 'read' })).toBe(2000)
  })
})

describe('OPS_PORT', () => {
  it('is optional, and a malformed one names the variable', () => {
    expect(opsPortFromEnv({})).toBeUndefined()
    expect(opsPortFromEnv({ OPS_PORT: '9464' })).toBe(9464)
    expect(() => opsPortFromEnv({ OPS_PORT: 'ninety' })).toThrow(/OPS_PORT/)
  })
})
