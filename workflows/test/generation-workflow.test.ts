import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, Connection, WorkflowFailedError } from '@temporalio/client'
import { NativeConnection, type Worker } from '@temporalio/worker'
import { connect, JSONCodec, type NatsConnection } from 'nats'
import { createBoard, createGeneration, createWorkspace, getCreditBalance, getGeneration, upsertUser, type Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { ensureBoardCommandStream, type TBoardCommand } from '@montage/board'
import { generationWorkflowId, streams, subjects, type TGenerationInput } from '@montage/core'
import { createControlWorker, startGenerationWorkflow } from '../src'

let sql: Sql
let nc: NatsConnection
let worker: Worker
let running: Promise<void>
let client: Client
let nativeConnection: NativeConnection
const prefix = `wftest-${randomUUID().slice(0, 8)}`

beforeAll(async () => {
  sql = await openTestDb()
  nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  await ensureBoardCommandStream(await nc.jetstreamManager())
  nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' })
  worker = await createControlWorker({ connection: nativeConnection, namespace: 'default', taskQueuePrefix: prefix, db: sql, js: nc.jetstream() })
  running = worker.run()
  client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) })
})

afterAll(async () => {
  worker?.shutdown()
  await running
  await client?.connection.close()
  await nativeConnection?.close()
  await nc?.drain()
  await sql?.end()
})

async function boardCommands(boardId: string): Promise<TBoardCommand[]> {
  const js = nc.jetstream()
  const consumer = await js.consumers.get(streams.boardCommands.name, { filterSubjects: subjects.boardCommand(boardId) })
  const out: TBoardCommand[] = []
  const codec = JSONCodec<TBoardCommand>()
  const batch = await consumer.fetch({ max_messages: 20, expires: 1000 })
  for await (const m of batch) out.push(codec.decode(m.data))
  return out
}

describe('generation workflow', () => {
  it('refuses to run without enough credits: fails the variation with the reason and moves no credit', async () => {
    const user = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: 'Wanda' })
    const ws = await createWorkspace(sql, { name: 'Broke studio', ownerId: user.id })
    const board = await createBoard(sql, { workspaceId: ws.id, name: 'Board', createdBy: user.id })
    const generationId = randomUUID()
    const input: TGenerationInput = {
      generationId,
      workspaceId: ws.id,
      boardId: board.id,
      userId: user.id,
      shotId: 'shape:shot1',
      variationId: 'shape:var1',
      model: 'previz',
      params: { duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', zoom: 1.3 },
      prompt: 'a lighthouse',
      referenceAssets: ['a'.repeat(64)],
      referenceIds: ['shape:ref1'],
      credits: 2,
    }
    await createGeneration(sql, { id: generationId, workspaceId: ws.id, boardId: board.id, shotId: input.shotId, variationId: input.variationId, model: 'previz', params: input.params, credits: 2, workflowId: generationWorkflowId(generationId), createdBy: user.id })

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
})
