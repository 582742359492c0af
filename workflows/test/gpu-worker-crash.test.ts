import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '@temporalio/client'
import { type NatsConnection } from '@nats-io/transport-node'
import { createBoard, createGeneration, createWorkspace, getCreditBalance, getGeneration, grantCredits, upsertUser, type Sql } from '@montage/db'
import { TEST_DATABASE_URL } from '@montage/db/testing'
import { generationWorkflowId, subjects, type TGenerationInput, type TJobProgress } from '@montage/core'
import { LocalAssetStore } from '@montage/assets'
import { renderDemoPlate } from '@montage/infra'
import { startGenerationWorkflow } from '../src'
import { readBoardCommands, startControlRig, startWorkerProcess, type TControlRig } from './helpers'

// The real gpu-worker binary as a child process, so the test can SIGKILL it mid-render; real
// Temporal, PostgreSQL, NATS, ONNX Runtime and ffmpeg.
const prefix = `gpucrash-${randomUUID().slice(0, 8)}`
const children: ChildProcess[] = []
let sql: Sql
let nc: NatsConnection
let rig: TControlRig
let client: Client
let dataDir: string
let store: LocalAssetStore

beforeAll(async () => {
  rig = await startControlRig(prefix)
  ;({ sql, nc, client } = rig)
  dataDir = await mkdtemp(path.join(tmpdir(), 'montage-gpucrash-'))
  store = new LocalAssetStore(path.join(dataDir, 'assets'))
})

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await rig?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

/** Starts `gpu-worker/src/main.ts` as `npm start` does and waits until it polls its queue. */
function startGpuWorker(): Promise<ChildProcess> {
  return startWorkerProcess(
    'src/main.ts',
    {
      TASK_QUEUE_PREFIX: prefix,
      DATABASE_URL: TEST_DATABASE_URL,
      DATA_DIR: dataDir,
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    },
    children,
  )
}

const boardCommands = (boardId: string) => readBoardCommands(nc, boardId)

describe('gpu-worker killed mid-render', () => {
  it('kill -9 while a previz renders, start another worker: one asset, one succeeded variation, credits reserved and settled once', async () => {
    const user = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Kira' })
    const ws = await createWorkspace(sql, { name: 'Studio', ownerId: user.id })
    await grantCredits(sql, { workspaceId: ws.id, amount: 50, note: 'test' })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Board', createdBy: user.id })
    const plate = await store.putBytes(await renderDemoPlate(1280, 720))
    const input: TGenerationInput = {
      generationId: randomUUID(),
      workspaceId: ws.id,
      boardId: board.id,
      userId: user.id,
      shotId: 'shape:shot1',
      variationId: `shape:v-${randomUUID().slice(0, 12)}`,
      model: 'previz',
      // The longest previz: long enough to be caught mid-render.
      params: { duration: 10, aspectRatio: '16:9', cameraMove: 'push_in', zoom: 1.5 },
      prompt: 'slow push in on the lighthouse',
      referenceAssets: [plate.sha256],
      referenceIds: ['shape:ref1'],
      credits: 10,
    }
    await createGeneration(sql, {
      id: input.generationId, workspaceId: ws.id, boardId: board.id, shotId: input.shotId, variationId: input.variationId,
      model: input.model, params: input.params, credits: input.credits, workflowId: generationWorkflowId(input.generationId), createdBy: user.id,
    })

    const progress = nc.subscribe(subjects.jobProgress(input.generationId))
    const first = await startGpuWorker()
    const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    // The worker's own progress reports say it is past the start of the render.
    for await (const m of progress) {
      const p = m.json<TJobProgress>()
      if (p.stage === 'rendering' && p.progress > 0.05) break
    }
    progress.unsubscribe()
    expect((await getGeneration(sql, input.generationId))?.status).toBe('running')
    const exited = new Promise((r) => first.once('exit', r))
    first.kill('SIGKILL')
    await exited

    await startGpuWorker()
    const result = await handle.result()

    // The render ran again on the new worker: a second attempt of the same activity.
    const history = await handle.fetchHistory()
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []))
    expect(attempts).toContain(2)
    expect(result.output.durationSeconds).toBeCloseTo(10, 1)
    expect(await store.has(result.output.assetSha256)).toBe(true)
    expect(await getGeneration(sql, input.generationId)).toMatchObject({ status: 'succeeded', outputAsset: result.output.assetSha256 })
    // Exactly the one render's files: the clip, its poster and its thumbnail strip, each once.
    const assets = await sql`SELECT sha256, mime_type FROM assets WHERE workspace_id = ${ws.id} ORDER BY mime_type, sha256`
    expect(result.output.stripSha256).toBeTruthy()
    const expected = [
      { sha256: result.output.posterSha256, mime: 'image/jpeg' },
      { sha256: result.output.stripSha256!, mime: 'image/jpeg' },
      { sha256: result.output.assetSha256, mime: 'video/mp4' },
    ].sort((a, b) => a.mime.localeCompare(b.mime) || a.sha256.localeCompare(b.sha256))
    expect(assets.map((a) => ({ sha256: a.sha256, mime: a.mime_type }))).toEqual(expected)
    const ledger = await sql`SELECT kind, amount FROM credit_ledger WHERE generation_id = ${input.generationId} ORDER BY id`
    expect(ledger.map((r) => ({ kind: r.kind, amount: r.amount }))).toEqual([{ kind: 'reserve', amount: -10 }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(sql, ws.id)).toBe(40)
    const succeeded = (await boardCommands(board.id)).filter((c) => c.type === 'variation.upsert' && c.patch.status === 'succeeded')
    expect(succeeded).toHaveLength(1)
  })
})
