/**
 * One trace from web's HTTP request to the board command (issue 13): `POST /api/generations`
 * served by web's request instrumentation and start function, the workflow start (Temporal client
 * interceptor), the workflow and its activities (worker interceptors + the span sink), the board
 * command's publish (trace context in the NATS headers) and the collab-server applying it. All in
 * this process against a real Temporal, PostgreSQL and NATS, every span in an in-memory exporter.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { NativeConnection, Worker } from '@temporalio/worker'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { ensureLocalKeys } from '@montage/auth'
import { ensureBoardCommandStream } from '@montage/board'
import { createCollabServer, type CollabServer } from '@montage/collab-server'
import type { TGenerationOutput } from '@montage/core'
import { createBoard, createWorkspace, grantCredits, recordAsset, upsertUser, type Sql } from '@montage/db'
import { openTestDb, TEST_DATABASE_URL } from '@montage/db/testing'
import { instrumentHttpRequest, setupTracing, temporalWorkerTracing, type TTracing } from '@montage/runtime/tracing'
import { createControlWorker } from '@montage/workflows'

const NATS_URL = process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'
const sha = (c: string) => c.repeat(64)

describe('traces', () => {
  const exporter = new InMemorySpanExporter()
  const prefix = `trace-${randomUUID().slice(0, 8)}`
  let tracing: TTracing
  let dataDir: string
  let sql: Sql
  let nc: NatsConnection
  let collab: CollabServer
  let workers: Worker[] = []
  let running: Promise<unknown>
  let http: Server
  let port: number

  beforeAll(async () => {
    tracing = setupTracing({ serviceName: 'trace-test', exporter })!
    dataDir = await mkdtemp(path.join(tmpdir(), 'montage-trace-'))
    // The web start function reads its env on first use.
    Object.assign(process.env, { DATABASE_URL: TEST_DATABASE_URL, NATS_URL, TEMPORAL_ADDRESS, TASK_QUEUE_PREFIX: prefix, DATA_DIR: dataDir, AUTH_MODE: 'local' })
    sql = await openTestDb()
    nc = await connect({ servers: NATS_URL })
    await ensureBoardCommandStream(await jetstreamManager(nc))
    const keys = await ensureLocalKeys(dataDir)
    collab = createCollabServer({ db: sql, nats: nc, jwtKey: keys.publicKeyPem, consumerName: `${prefix}-collab`, commandDeliverPolicy: 'new', consumerInactiveThresholdMs: 60_000, reconcileIntervalMs: 0 })
    await collab.listen(0)

    const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS })
    const temporalTracing = temporalWorkerTracing(tracing)
    const control = await createControlWorker({ connection, namespace: 'default', taskQueuePrefix: prefix, db: sql, js: jetstream(nc), tracing: temporalTracing })
    // The gpu queue's model: a render that returns a clip at once (the model is not what is traced here).
    const clip: TGenerationOutput = { assetSha256: sha('a'), byteSize: 10, posterSha256: sha('b'), posterByteSize: 10, mimeType: 'video/mp4', width: 320, height: 180, durationSeconds: 1, fps: 24 }
    const gpu = await Worker.create({ connection, namespace: 'default', taskQueue: `${prefix}-gpu`, activities: { renderPreviz: async () => clip }, interceptors: { activity: temporalTracing.activity } })
    workers = [control, gpu]
    running = Promise.all(workers.map((w) => w.run()))

    // web's request path: its instrumentation around the function `POST /api/generations` calls.
    const { validateAndStartGeneration } = await import('../lib/server/generations/start-generation')
    const { db } = await import('../lib/server/context')
    http = createServer((req, res) =>
      // Awaited inside the handler, as Next's route code is, so the request's context carries on.
      instrumentHttpRequest(req, res, undefined, () => {
        void (async () => {
          try {
            const { userId, request } = JSON.parse(await text(req)) as { userId: string; request: Parameters<typeof validateAndStartGeneration>[2] }
            await validateAndStartGeneration(db(), { userId, apiKey: null }, request)
            res.writeHead(202).end()
          } catch (e) {
            res.writeHead(500).end(String(e))
          }
        })()
      }),
    )
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    port = (http.address() as { port: number }).port
  })

  afterAll(async () => {
    http?.close()
    for (const w of workers) w.shutdown()
    await running?.catch(() => undefined)
    await collab?.close()
    await nc?.drain()
    await sql?.end()
    await tracing?.shutdown()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('follows a generation from the HTTP request through the workflow to the collab-server applying its board command', async () => {
    const user = await upsertUser(sql, { authSubject: `local:trace-${randomUUID()}`, name: 'Tracer' })
    const ws = await createWorkspace(sql, { name: 'Traces', ownerId: user.id })
    await grantCredits(sql, { workspaceId: ws.id, amount: 100, note: 'test' })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Traced', createdBy: user.id })
    await recordAsset(sql, { workspaceId: ws.id, sha256: sha('c'), mimeType: 'image/jpeg', byteSize: 10, width: 320, height: 180, createdBy: user.id })
    const variationId = `shape:trace${randomUUID().slice(0, 8)}`
    const request = { boardId: board.id, shotId: 'shape:traceshot', variationId, model: 'previz', prompt: '', params: { duration: 2 }, references: [{ shapeId: 'shape:traceplate', assetSha256: sha('c') }] }
    const res = await fetch(`http://127.0.0.1:${port}/api/generations`, { method: 'POST', body: JSON.stringify({ userId: user.id, request }) })
    expect(res.status).toBe(202)

    // The succeeded variation's command, applied by the collab-server, closes the trace; the
    // workflow's span ends (and leaves through the sink) when the workflow does, which may be later.
    const applied = (s: ReadableSpan) => s.name === 'board.command.apply' && String(s.attributes['montage.board.command_id']).endsWith(':succeeded')
    const workflowDone = (s: ReadableSpan) => s.name === 'RunWorkflow:generationWorkflow'
    const deadline = Date.now() + 60_000
    while (!(exporter.getFinishedSpans().some(applied) && exporter.getFinishedSpans().some(workflowDone))) {
      if (Date.now() > deadline) throw new Error(`no board.command.apply span for the succeeded command, or no workflow span; spans: ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const spans = exporter.getFinishedSpans()
    const root = spans.find((s) => s.name === 'POST /api/generations')
    expect(root, 'web request span').toBeDefined()
    const traceId = root!.spanContext().traceId
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name)
    expect(inTrace).toEqual(
      expect.arrayContaining([
        'POST /api/generations',
        'StartWorkflow:generationWorkflow',
        'RunWorkflow:generationWorkflow',
        'RunActivity:renderPreviz',
        'board.command.publish',
        'board.command.apply',
      ]),
    )
    // Every command of this generation (running, succeeded) joined the request's trace.
    const applies = spans.filter((s) => s.name === 'board.command.apply' && String(s.attributes['montage.board.id']) === board.id)
    expect(applies.length).toBeGreaterThanOrEqual(2)
    expect(new Set(applies.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]))
  })
})
