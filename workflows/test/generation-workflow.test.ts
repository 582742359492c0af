import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, WorkflowFailedError } from '@temporalio/client'
import { Worker } from '@temporalio/worker'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { createGeneration, getCreditBalance, getGeneration, type Sql } from '@montage/db'
import { readWorkspaceFeed } from '@montage/board'
import { generationWorkflowId, type TGenerationInput } from '@montage/core'
import { LocalAssetStore } from '@montage/assets'
import { createGpuActivities, MediaEngine, resolveFfmpegPaths } from '@montage/gpu-worker'
import { renderDemoPlate } from '@montage/infra'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startGenerationWorkflow } from '../src'
import { createStudio, readBoardCommands, startControlRig, type TControlRig } from './helpers'

let sql: Sql
let nc: NatsConnection
let rig: TControlRig
let dataDir: string
let store: LocalAssetStore
let engine: MediaEngine
let client: Client
const prefix = `wftest-${randomUUID().slice(0, 8)}`

beforeAll(async () => {
  rig = await startControlRig(prefix)
  ;({ sql, nc, client } = rig)
  dataDir = await mkdtemp(path.join(tmpdir(), 'montage-wf-'))
  store = new LocalAssetStore(path.join(dataDir, 'assets'))
  engine = new MediaEngine({ ffmpeg: resolveFfmpegPaths(process.env), workDir: path.join(dataDir, 'tmp') })
  rig.run(await Worker.create({ connection: rig.nativeConnection, namespace: 'default', taskQueue: `${prefix}-gpu`, activities: createGpuActivities({ store, engine }) }))
})

afterAll(async () => {
  await rig?.close()
  await engine?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const boardCommands = (boardId: string) => readBoardCommands(nc, boardId)

/** The row `POST /api/generations` writes before it starts the workflow. */
async function insertGeneration(input: TGenerationInput) {
  await createGeneration(sql, {
    id: input.generationId,
    workspaceId: input.workspaceId,
    boardId: input.boardId,
    shotId: input.shotId,
    variationId: input.variationId,
    model: input.model,
    params: input.params,
    credits: input.credits,
    workflowId: generationWorkflowId(input.generationId),
    createdBy: input.userId,
  })
}

/** A 2-second previz push-in on the studio's board, its row written as the API would. */
async function queuedPreviz(
  { user, ws, board }: Awaited<ReturnType<typeof studio>>,
  opts: { variationId: string; plateSha256: string; prompt?: string; references?: TGenerationInput['references'] },
): Promise<TGenerationInput> {
  const input: TGenerationInput = {
    generationId: randomUUID(),
    workspaceId: ws.id,
    boardId: board.id,
    userId: user.id,
    shotId: 'shape:shot1',
    variationId: opts.variationId,
    model: 'previz',
    params: { duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', zoom: 1.3 },
    prompt: opts.prompt ?? '',
    referenceAssets: [opts.plateSha256],
    referenceIds: ['shape:ref1'],
    ...(opts.references ? { references: opts.references } : {}),
    credits: 2,
  }
  await insertGeneration(input)
  return input
}

const studio = (credits: number) => createStudio(sql, credits, 'Wanda')

describe('generation workflow', () => {
  it('renders a previz on the gpu queue, records its assets, charges once and tells the board with the @tags and the strip', async () => {
    const { user, ws, board } = await studio(10)
    const plate = await store.putBytes(await renderDemoPlate(640, 360))
    const input = await queuedPreviz({ user, ws, board }, {
      variationId: 'shape:var-ok',
      plateSha256: plate.sha256,
      prompt: 'push in on @lighthouse',
      references: [{ tag: 'lighthouse', assetSha256: plate.sha256, mimeType: 'image/png' }],
    })
    const { generationId } = input

    const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    const result = await handle.result()
    expect(result.output).toMatchObject({ width: 1280, height: 720, fps: 24, mimeType: 'video/mp4' })
    expect(result.output.durationSeconds).toBeCloseTo(2, 1)
    expect(await store.has(result.output.assetSha256)).toBe(true)
    expect(await store.has(result.output.posterSha256)).toBe(true)

    expect(await getGeneration(sql, generationId)).toMatchObject({ status: 'succeeded', outputAsset: result.output.assetSha256, posterAsset: result.output.posterSha256 })
    const assets = await sql`SELECT sha256, mime_type FROM assets WHERE workspace_id = ${ws.id} ORDER BY mime_type`
    // The clip, its poster and its hover-scrub strip, each servable to the workspace.
    expect(assets.map((a) => a.mime_type)).toEqual(['image/jpeg', 'image/jpeg', 'video/mp4'])
    expect(assets.map((a) => a.sha256)).toContain(result.output.stripSha256)
    expect(await getCreditBalance(sql, ws.id)).toBe(8)

    const commands = await boardCommands(board.id)
    expect(commands.map((c) => (c.type === 'variation.upsert' ? c.patch.status : c.type))).toEqual(['running', 'succeeded'])
    expect(commands[0]).toMatchObject({ variationId: 'shape:var-ok', patch: { referenceTags: ['lighthouse'] } })
    expect(commands[1]).toMatchObject({
      variationId: 'shape:var-ok',
      patch: { assetSha256: result.output.assetSha256, durationSeconds: result.output.durationSeconds, stripSha256: result.output.stripSha256, stripFrames: 10 },
    })
    // The workspace feed hears of the new variation.
    expect(await readWorkspaceFeed(jetstream(nc), ws.id)).toMatchObject([{ type: 'variation.succeeded', boardId: board.id, variationId: 'shape:var-ok', generationId }])
  })

  it('fails the variation with a clear reason and releases the credits when the plate is not an image', async () => {
    const { user, ws, board } = await studio(10)
    const notAnImage = await store.putBytes(Buffer.from('this is a text file, not a picture'))
    const input = await queuedPreviz({ user, ws, board }, { variationId: 'shape:var-bad', plateSha256: notAnImage.sha256 })
    const { generationId } = input
    const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError)
    expect(await getGeneration(sql, generationId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a readable image/) })
    expect(await getCreditBalance(sql, ws.id)).toBe(10)
    const kinds = await sql`SELECT kind FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
    expect(kinds.map((k) => k.kind)).toEqual(['reserve', 'release'])
    expect((await boardCommands(board.id)).at(-1)).toMatchObject({ patch: { status: 'failed', error: expect.stringMatching(/not a readable image/) } })
  })

  it('refuses to run without enough credits: fails the variation with the reason and moves no credit', async () => {
    const { user, ws, board } = await studio(0)
    const input = await queuedPreviz({ user, ws, board }, { variationId: 'shape:var1', plateSha256: 'a'.repeat(64), prompt: 'a lighthouse' })
    const { generationId } = input

    const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    const failure = await handle.result().then(() => null, (e: unknown) => e)
    expect(failure).toBeInstanceOf(WorkflowFailedError)
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(/needs 2 credits; the workspace has 0/)

    const row = await getGeneration(sql, generationId)
    expect(row).toMatchObject({ status: 'failed', error: expect.stringMatching(/needs 2 credits/) })
    expect(await getCreditBalance(sql, ws.id)).toBe(0)
    const ledgerRows = await sql`SELECT 1 FROM credit_ledger WHERE workspace_id = ${ws.id}`
    expect(ledgerRows.length).toBe(0)

    const commands = await boardCommands(board.id)
    expect(commands.at(-1)).toMatchObject({ type: 'variation.upsert', variationId: 'shape:var1', patch: { status: 'failed', error: expect.stringMatching(/needs 2 credits/) } })

    // Starting the same generation again is idempotent: it returns the first run.
    const again = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    expect(again.workflowId).toBe(handle.workflowId)
  })

  it('a cancel that lands while the credits are being reserved still releases them and marks the variation cancelled', async () => {
    // Bug: a cancel during the credit reservation left the reservation in the ledger with nothing to release it.
    const { user, ws, board } = await studio(10)
    const plate = await store.putBytes(await renderDemoPlate(320, 180))
    const input = await queuedPreviz({ user, ws, board }, { variationId: 'shape:var-cancel', plateSha256: plate.sha256 })
    // Holding the workspace row keeps the reservation (which locks it) in flight until we let go.
    const held = sql.reserve()
    const tx = await held
    await tx`BEGIN`
    await tx`SELECT id FROM workspaces WHERE id = ${ws.id} FOR UPDATE`
    const pid = (await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid
    const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    // The reservation (a local activity: not listed among pending activities) is waiting on our lock.
    await expect
      .poll(async () => (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`)[0]!.n, { timeout: 30_000 })
      .toBeGreaterThan(0)
    await handle.cancel()
    await tx`COMMIT`
    tx.release()

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError)
    await expect.poll(async () => (await getGeneration(sql, input.generationId))?.status, { timeout: 30_000 }).toBe('cancelled')
    const kinds = await sql`SELECT kind FROM credit_ledger WHERE generation_id = ${input.generationId} ORDER BY id`
    expect(kinds.map((k) => k.kind)).toEqual(['reserve', 'release'])
    expect(await getCreditBalance(sql, ws.id)).toBe(10)
  })
})
