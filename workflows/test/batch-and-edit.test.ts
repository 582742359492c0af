import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Client } from '@temporalio/client'
import { Worker } from '@temporalio/worker'
import { type NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { createReservedGenerations, getCreditBalance, getGeneration, getGenerationParent, type Sql } from '@montage/db'
import { applyBoardCommand, getRecords, readRecords, type TBoardCommand } from '@montage/board'
import { AppError, AppErrorCode, generationWorkflowId, streams, subjects, type TEditGenerationInput, type TGenerationInput } from '@montage/core'
import { LocalAssetStore } from '@montage/assets'
import { createGpuActivities, MediaEngine, resolveFfmpegPaths } from '@montage/gpu-worker'
import { renderDemoPlate } from '@montage/infra'
import { batchWorkflowId, startBatchGenerationWorkflow, startEditGenerationWorkflow } from '../src'
import { createStudio, startControlRig, type TControlRig } from './helpers'

// Real Temporal (batch children, edit workflow), PostgreSQL, NATS, ONNX Runtime and ffmpeg.
const prefix = `batchedit-${randomUUID().slice(0, 8)}`
let sql: Sql
let nc: NatsConnection
let rig: TControlRig
let client: Client
let dataDir: string
let store: LocalAssetStore
let engine: MediaEngine
let plateSha: string

beforeAll(async () => {
  rig = await startControlRig(prefix)
  ;({ sql, nc, client } = rig)
  dataDir = await mkdtemp(path.join(tmpdir(), 'montage-batchedit-'))
  store = new LocalAssetStore(path.join(dataDir, 'assets'))
  engine = new MediaEngine({ ffmpeg: resolveFfmpegPaths(process.env), workDir: path.join(dataDir, 'tmp') })
  rig.run(await Worker.create({ connection: rig.nativeConnection, namespace: 'default', taskQueue: `${prefix}-gpu`, activities: createGpuActivities({ store, engine }) }))
  plateSha = (await store.putBytes(await renderDemoPlate(640, 360))).sha256
})

afterAll(async () => {
  await rig?.close()
  await engine?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const studio = (credits: number) => createStudio(sql, credits, 'Bea')

/** A 2-second previz of shot1 (2 credits), under fresh ids. */
function previz(s: Awaited<ReturnType<typeof studio>>): TGenerationInput {
  return {
    generationId: randomUUID(),
    workspaceId: s.ws.id,
    boardId: s.board.id,
    userId: s.user.id,
    shotId: 'shape:shot1',
    variationId: `shape:v-${randomUUID().slice(0, 12)}`,
    model: 'previz',
    params: { duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', zoom: 1.3 },
    prompt: 'push in on the lighthouse',
    referenceAssets: [plateSha],
    referenceIds: ['shape:ref1'],
    credits: 2,
  }
}

/** What the web's start does (`lib/server/generations`): the rows with their credits reserved, then the workflow. */
async function storeReserved(inputs: Array<TGenerationInput | TEditGenerationInput>): Promise<void> {
  await createReservedGenerations(sql, {
    workspaceId: inputs[0]!.workspaceId,
    generations: inputs.map((i) => ({
      id: i.generationId, workspaceId: i.workspaceId, boardId: i.boardId, shotId: i.shotId, variationId: i.variationId, model: i.model, params: i.params,
      credits: i.credits, workflowId: generationWorkflowId(i.generationId), createdBy: i.userId, ...('parentGenerationId' in i ? { parentGenerationId: i.parentGenerationId } : {}),
    })),
  })
}

async function startBatchGeneration({ inputs }: { inputs: TGenerationInput[] }): Promise<{ workflowId: string }> {
  await storeReserved(inputs)
  return startBatchGenerationWorkflow({ client, inputs, taskQueuePrefix: prefix })
}

async function startEditGeneration({ input }: { input: TEditGenerationInput }): Promise<{ workflowId: string }> {
  await storeReserved([input])
  return startEditGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
}

async function ledger(generationId: string): Promise<Array<{ kind: string; amount: number }>> {
  const rows = await sql<{ kind: string; amount: number }[]>`SELECT kind, amount FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
  return rows.map((r) => ({ kind: r.kind, amount: r.amount }))
}

type TVariationCommand = Extract<TBoardCommand, { type: 'variation.upsert' }>

async function variationCommands(boardId: string): Promise<TVariationCommand[]> {
  const consumer = await jetstream(nc).consumers.get(streams.boardCommands.name, { filter_subjects: subjects.boardCommand(boardId) })
  const out: TBoardCommand[] = []
  const batch = await consumer.fetch({ max_messages: 100, expires: 1000 })
  for await (const m of batch) out.push(m.json<TBoardCommand>())
  return out.filter((c): c is TVariationCommand => c.type === 'variation.upsert')
}

describe('batch generation', () => {
  it('three variations of one shot run as three children: three succeeded variations, three reserve/settle pairs', async () => {
    const s = await studio(10)
    const inputs = [previz(s), previz(s), previz(s)]
    const { workflowId } = await startBatchGeneration({ inputs })
    expect(workflowId).toBe(batchWorkflowId(inputs[0]!.generationId))
    // All three are held as soon as the batch is accepted, before any child has run.
    expect(await getCreditBalance(sql, s.ws.id)).toBe(4)
    const result = await client.workflow.getHandle(workflowId).result()
    expect(result.generations.map((g: { status: string }) => g.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])

    const outputs = new Set<string>()
    for (const input of inputs) {
      const row = await getGeneration(sql, input.generationId)
      expect(row).toMatchObject({ status: 'succeeded', variationId: input.variationId, shotId: 'shape:shot1' })
      outputs.add(row!.outputAsset!)
      expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -2 }, { kind: 'settle', amount: 0 }])
      // Each child is an ordinary generation/<id> with its own history.
      expect((await client.workflow.getHandle(`generation/${input.generationId}`).describe()).status.name).toBe('COMPLETED')
    }
    expect(await getCreditBalance(sql, s.ws.id)).toBe(4)
    const succeeded = (await variationCommands(s.board.id)).filter((c) => c.patch.status === 'succeeded').map((c) => c.variationId)
    expect(succeeded.sort()).toEqual(inputs.map((i) => i.variationId).sort())
  })

  it('refuses the whole batch when the balance cannot pay for all of it: nothing stored, nothing started', async () => {
    const s = await studio(5)
    const inputs = [previz(s), previz(s), previz(s)]
    const err = await startBatchGeneration({ inputs }).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe(AppErrorCode.INSUFFICIENT_CREDITS)
    expect((err as AppError).message).toMatch(/need 6 credits; the workspace has 5/)
    expect(await getCreditBalance(sql, s.ws.id)).toBe(5)
    const rows = await sql`SELECT id FROM generations WHERE board_id = ${s.board.id}`
    expect(rows).toHaveLength(0)
    const entries = await sql`SELECT kind FROM credit_ledger WHERE workspace_id = ${s.ws.id}`
    expect(entries.map((r) => r.kind)).toEqual(['grant'])
    const describe = await client.workflow.getHandle(batchWorkflowId(inputs[0]!.generationId)).describe().then(() => 'started', (e: Error) => e.name)
    expect(describe).toBe('WorkflowNotFoundError')
    expect(await variationCommands(s.board.id)).toEqual([])
  })
})

describe('edit of a variation', () => {
  it('relights a succeeded variation: a new generation whose parent is recorded in PostgreSQL and on the board, charged once', async () => {
    const s = await studio(10)
    const parent = previz(s)
    await startBatchGeneration({ inputs: [parent] })
    await client.workflow.getHandle(batchWorkflowId(parent.generationId)).result()
    const parentResult = await client.workflow.getHandle(`generation/${parent.generationId}`).result()
    const parentRow = await getGeneration(sql, parent.generationId)
    expect(parentRow?.status).toBe('succeeded')

    const edit: TEditGenerationInput = {
      ...parent,
      generationId: randomUUID(),
      variationId: `shape:v-${randomUUID().slice(0, 12)}`,
      model: 'relight',
      params: { preset: 'night', direction: 135, intensity: 0.8 },
      prompt: '',
      credits: 2,
      sourceAssetSha256: parentRow!.outputAsset!,
      parentGenerationId: parent.generationId,
      parentVariationId: parent.variationId,
    }
    const { workflowId } = await startEditGeneration({ input: edit })
    expect(workflowId).toBe(`generation/${edit.generationId}`)
    const result = await client.workflow.getHandle(workflowId).result()
    expect(result.output).toMatchObject({ mimeType: 'video/mp4', width: 1280, height: 720 })
    expect(result.output.assetSha256).not.toBe(parentResult.output.assetSha256)
    expect(await store.has(result.output.assetSha256)).toBe(true)

    expect(await getGeneration(sql, edit.generationId)).toMatchObject({ status: 'succeeded', model: 'relight', shotId: parent.shotId, outputAsset: result.output.assetSha256 })
    expect(await getGenerationParent(sql, edit.generationId)).toBe(parent.generationId)
    expect(await getGenerationParent(sql, parent.generationId)).toBeNull()
    expect(await ledger(edit.generationId)).toEqual([{ kind: 'reserve', amount: -2 }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(6)

    // The board as the collab-server builds it from the published commands: the edit names its parent.
    const doc = new Y.Doc()
    const kv = getRecords(doc)
    kv.set('page:main', { id: 'page:main', typeName: 'page', name: 'Board', index: 'a1', meta: {} } as never)
    kv.set('shape:shot1', {
      id: 'shape:shot1', typeName: 'shape', type: 'shot', x: 100, y: 50, rotation: 0, index: 'a1', parentId: 'page:main', isLocked: false, opacity: 1, meta: {},
      props: { w: 360, h: 424, title: 'Opening', prompt: '', model: 'previz', duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [] },
    } as never)
    for (const command of await variationCommands(s.board.id)) applyBoardCommand(doc, command)
    const records = readRecords(doc) as unknown as Record<string, { x: number; y: number; props: Record<string, unknown> }>
    expect(records[parent.variationId]!.props).toMatchObject({ status: 'succeeded', parentVariationId: '' })
    const child = records[edit.variationId]!
    expect(child.props).toMatchObject({ status: 'succeeded', shotId: 'shape:shot1', parentVariationId: parent.variationId, model: 'relight', assetSha256: result.output.assetSha256 })
    // The edit sits below its parent, in the parent's column, not in the shot's row.
    const parentCard = records[parent.variationId]!
    expect(child.x).toBe(parentCard.x)
    expect(child.y).toBeGreaterThanOrEqual(parentCard.y + (parentCard.props.h as number))
    expect(child.y).toBeLessThan(parentCard.y + 2 * (parentCard.props.h as number))
  })

  it('an edit the workspace cannot pay for is refused before anything is stored', async () => {
    const s = await studio(2)
    const parent = previz(s)
    await startBatchGeneration({ inputs: [parent] })
    await client.workflow.getHandle(batchWorkflowId(parent.generationId)).result()
    const source = (await getGeneration(sql, parent.generationId))!.outputAsset!
    const edit: TEditGenerationInput = {
      ...parent, generationId: randomUUID(), variationId: 'shape:v-upscale', model: 'upscale', params: { factor: 2 }, credits: 2,
      sourceAssetSha256: source, parentGenerationId: parent.generationId, parentVariationId: parent.variationId,
    }
    await expect(startEditGeneration({ input: edit })).rejects.toMatchObject({ code: AppErrorCode.INSUFFICIENT_CREDITS })
    expect(await getGeneration(sql, edit.generationId)).toBeNull()
    expect(await getCreditBalance(sql, s.ws.id)).toBe(0)
  })
})
