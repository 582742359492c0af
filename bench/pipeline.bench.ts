/**
 * `npm run bench -- pipeline`: the overhead of a generation outside its model. Each run calls the
 * function `POST /api/generations` calls (web/lib/server/generations/start-generation.ts, in this process: no
 * HTTP, no session check) for a previz whose model is a no-op, and stops the clock when the
 * succeeded variation is in the documents of two clients subscribed to the board through a real
 * collab-server process. Real Temporal (control worker and no-op gpu worker in this process),
 * PostgreSQL, NATS JetStream.
 *
 * Its peer is Temporal alone on the same server, interleaved run by run so both see the same load:
 * a bare workflow that calls one no-op activity on another task queue, start → result. A
 * generation cannot be cheaper than that (its model runs on another queue), so the ratio says how
 * much of the overhead is ours.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { NativeConnection, Worker } from '@temporalio/worker'
import { Client, Connection } from '@temporalio/client'
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { LocalAssetStore } from '@montage/assets'
import { ensureLocalKeys, issueLocalSession } from '@montage/auth'
import { BOARD_COMMAND_STREAM, ensureBoardCommandStream, getRecords } from '@montage/board'
import { freePort } from '@montage/infra'
import { subjects } from '@montage/core'
import { createBoard, createWorkspace, grantCredits, recordAsset, upsertUser } from '@montage/db'
import { openTestDb, TEST_DATABASE_URL } from '@montage/db/testing'
import { resolveFfmpegPaths, runProcess } from '@montage/gpu-worker'
import { createControlWorker } from '@montage/workflows'
import { createNoopModelActivities } from './noop-model-activities'
import type { BenchResults } from './bench-results'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.PIPELINE_BENCH_RUNS ?? 100)
const WARMUP = 5
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

const round = (n: number) => Math.round(n * 10) / 10
const round2 = (n: number) => Math.round(n * 100) / 100

async function startCollabServer(dataDir: string, port: number, consumerName: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(ROOT, 'collab-server'),
    env: {
      ...process.env,
      DATABASE_URL: TEST_DATABASE_URL,
      NATS_URL,
      COLLAB_PORT: String(port),
      AUTH_MODE: 'local',
      DATA_DIR: dataDir,
      COLLAB_CONSUMER_NAME: consumerName,
      COLLAB_COMMAND_DELIVER_POLICY: 'new',
      COLLAB_CONSUMER_INACTIVE_MS: String(5 * 60_000),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => void (out = (out + b.toString()).slice(-10_000)))
  child.stderr!.on('data', (b: Buffer) => void (out = (out + b.toString()).slice(-10_000)))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collab-server exited early:\n${out}`)
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return child
    if (Date.now() > deadline) throw new Error(`collab-server did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A browser's board client: resolves `seen(variationId)` once the variation is succeeded in its document. */
function boardClient(port: number, boardId: string, token: string) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/boards`, boardId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  const kv = getRecords(doc)
  const waiting = new Map<string, (at: number) => void>()
  const running = new Map<string, number>()
  kv.on('change', (changes: Map<string, unknown>) => {
    const at = performance.now()
    for (const key of changes.keys()) {
      const resolve = waiting.get(key)
      const record = kv.get(key) as { props?: { status?: string } } | undefined
      if (record?.props?.status === 'running' && !running.has(key)) running.set(key, at)
      if (resolve && record?.props?.status === 'succeeded') {
        waiting.delete(key)
        resolve(at)
      }
    }
  })
  return {
    doc,
    provider,
    synced: () => new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve()))),
    runningAt: (variationId: string) => running.get(variationId),
    seen: (variationId: string) => new Promise<number>((resolve) => waiting.set(variationId, resolve)),
  }
}

export default async function pipelineBench(): Promise<BenchResults> {
  const prefix = `bench-pipeline-${randomUUID().slice(0, 8)}`
  const dataDir = await mkdtemp(path.join(tmpdir(), 'montage-bench-pipeline-'))
  // The web start function reads its env on first use.
  Object.assign(process.env, { DATABASE_URL: TEST_DATABASE_URL, NATS_URL, TEMPORAL_ADDRESS, TASK_QUEUE_PREFIX: prefix, DATA_DIR: dataDir, AUTH_MODE: 'local' })
  const { validateAndStartGeneration } = await import('../web/lib/server/generations/start-generation')
  const { db, temporalClient } = await import('../web/lib/server/context')

  const sql = await openTestDb()
  const nc = await connect({ servers: NATS_URL })
  await ensureBoardCommandStream(await jetstreamManager(nc))
  const keys = await ensureLocalKeys(dataDir)

  // The clip the no-op model "renders": made and stored once.
  const ffmpeg = resolveFfmpegPaths(process.env)
  const store = new LocalAssetStore(path.join(dataDir, 'assets'))
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', path.join(dataDir, 'clip.mp4')])
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180', '-frames:v', '1', path.join(dataDir, 'poster.jpg')])
  const clip = await store.putBytes(await readFile(path.join(dataDir, 'clip.mp4')))
  const poster = await store.putBytes(await readFile(path.join(dataDir, 'poster.jpg')))
  const plate = await store.putBytes(await readFile(path.join(dataDir, 'poster.jpg')))
  const storedClip = { assetSha256: clip.sha256, byteSize: clip.byteSize, posterSha256: poster.sha256, posterByteSize: poster.byteSize, mimeType: 'video/mp4', width: 320, height: 180, durationSeconds: 1, fps: 24 }

  const subject = `local:bench-${randomUUID()}`
  const user = await upsertUser(sql, { authSubject: subject, name: 'Bench' })
  const ws = await createWorkspace(sql, { name: 'Bench', ownerId: user.id })
  await grantCredits(sql, { workspaceId: ws.id, amount: 10 * (RUNS + WARMUP), note: 'bench' })
  const board = await createBoard(sql, { workspaceId: ws.id, name: 'Pipeline bench', createdBy: user.id })
  await recordAsset(sql, { workspaceId: ws.id, sha256: plate.sha256, mimeType: 'image/jpeg', byteSize: plate.byteSize, width: 320, height: 180, createdBy: user.id })
  const { token } = await issueLocalSession({ db: sql, privateKeyPem: keys.privateKeyPem, user, kind: 'password', ttlSeconds: 12 * 3600 })

  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS })
  const control = await createControlWorker({ connection, namespace: 'default', taskQueuePrefix: prefix, db: sql, js: jetstream(nc) })
  const gpu = await Worker.create({ connection, namespace: 'default', taskQueue: `${prefix}-gpu`, activities: createNoopModelActivities(storedClip) })
  const floorWorkflows = await Worker.create({ connection, namespace: 'default', taskQueue: `${prefix}-floor`, workflowsPath: fileURLToPath(new URL('./temporal-floor-workflow.ts', import.meta.url)) })
  const floorActivities = await Worker.create({ connection, namespace: 'default', taskQueue: `${prefix}-floor-activity`, activities: { floorNoop: async () => {} } })
  const floorClient = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) })
  const workers = Promise.all([control.run(), gpu.run(), floorWorkflows.run(), floorActivities.run()])

  const port = await freePort()
  const consumerName = `${prefix}-collab`
  const collab = await startCollabServer(dataDir, port, consumerName)
  const clients = [boardClient(port, board.id, token), boardClient(port, board.id, token)]
  await Promise.all(clients.map((c) => c.synced()))

  // When each board command went out on NATS (a plain subscription sees JetStream publishes too).
  const published = new Map<string, number>()
  const commandTap = nc.subscribe(subjects.boardCommand(board.id), {
    callback: (_err, m) => {
      const c = JSON.parse(m.string()) as { variationId: string; patch: { status?: string } }
      published.set(`${c.variationId}:${c.patch.status}`, performance.now())
    },
  })
  const samples: number[] = []
  const floorSamples: number[] = []
  // Where the time goes, per run: the start call, start → 'running' on a client, 'running' → 'succeeded'.
  const phases = {
    start: [] as number[],
    startToRunningPublished: [] as number[],
    runningPublishedToClient: [] as number[],
    runningToSucceededPublished: [] as number[],
    succeededPublishedToClients: [] as number[],
  }
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const variationId = `shape:bench${i}x${randomUUID().slice(0, 8)}`
      const seen = clients.map((c) => c.seen(variationId))
      const t0 = performance.now()
      await validateAndStartGeneration(db(), { userId: user.id, apiKey: null }, {
        boardId: board.id,
        shotId: 'shape:benchshot',
        variationId,
        model: 'previz',
        prompt: '',
        params: { duration: 2 },
        references: [{ shapeId: 'shape:benchplate', assetSha256: plate.sha256 }],
      })
      const started = performance.now()
      const at = await Promise.race([
        Promise.all(seen).then((ts) => Math.max(...ts)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`run ${i}: the variation did not reach both clients within 30 s`)), 30_000)),
      ])
      const f0 = performance.now()
      await floorClient.workflow.execute('temporalFloorWorkflow', { taskQueue: `${prefix}-floor`, workflowId: `${prefix}-floor-${i}`, args: [`${prefix}-floor-activity`] })
      const floor = performance.now() - f0
      if (i >= WARMUP) {
        samples.push(at - t0)
        floorSamples.push(floor)
        const runningAt = clients[0]!.runningAt(variationId) ?? NaN
        const runningPub = published.get(`${variationId}:running`) ?? NaN
        const succeededPub = published.get(`${variationId}:succeeded`) ?? NaN
        phases.start.push(started - t0)
        phases.startToRunningPublished.push(runningPub - started)
        phases.runningPublishedToClient.push(runningAt - runningPub)
        phases.runningToSucceededPublished.push(succeededPub - runningPub)
        phases.succeededPublishedToClients.push(at - succeededPub)
      }
    }
  } finally {
    const t = performance.now()
    commandTap.unsubscribe()
    for (const c of clients) c.provider.destroy()
    collab.kill('SIGTERM')
    control.shutdown()
    gpu.shutdown()
    floorWorkflows.shutdown()
    floorActivities.shutdown()
    await workers
    await floorClient.connection.close()
    await connection.close()
    const jsm = await jetstreamManager(nc)
    await jsm.consumers.delete(BOARD_COMMAND_STREAM.name, consumerName).catch(() => {})
    await nc.drain()
    await db().end()
    // The web start function's own Temporal connection, or the process would never exit.
    await (await temporalClient()).connection.close()
    await sql.end()
    await rm(dataDir, { recursive: true, force: true })
    console.log(`  pipeline: teardown ${Math.round(performance.now() - t)} ms`)
  }

  const p50 = round(percentile(samples, 50))
  const p99 = round(percentile(samples, 99))
  console.log(`  pipeline: ${RUNS} runs, start = validateAndStartGeneration (the function POST /api/generations calls) in-process, end = succeeded variation on 2 collab clients`)
  console.log(`  pipeline: min ${round(Math.min(...samples))} ms, p50 ${p50} ms, p90 ${round(percentile(samples, 90))} ms, p99 ${p99} ms, max ${round(Math.max(...samples))} ms`)
  // The figures move with the machine's load (Temporal, PostgreSQL and the collab-server share its cores).
  console.log(`  pipeline: load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${availableParallelism()} cores`)
  const floorP50 = round(percentile(floorSamples, 50))
  const floorP99 = round(percentile(floorSamples, 99))
  console.log(`  pipeline: Temporal alone (start → one no-op activity on another queue → result), same runs: p50 ${floorP50} ms, p99 ${floorP99} ms`)
  for (const [name, xs] of Object.entries(phases)) console.log(`  pipeline: ${name} p50 ${round(percentile(xs, 50))} ms, p99 ${round(percentile(xs, 99))} ms`)
  return {
    'pipeline.overhead_p50_ms': { value: p50, unit: 'ms', peer: { name: 'Temporal alone: one no-op activity on another queue', value: floorP50 }, ratio: round2(p50 / floorP50) },
    'pipeline.overhead_p99_ms': { value: p99, unit: 'ms', peer: { name: 'Temporal alone: one no-op activity on another queue', value: floorP99 }, ratio: round2(p99 / floorP99) },
  }
}
