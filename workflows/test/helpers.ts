import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, type Worker } from '@temporalio/worker'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { createBoard, createGeneration, createWorkspace, grantCredits, upsertUser, type Sql } from '@montage/db'
import { ensureBoardCommandStream, type TBoardCommand } from '@montage/board'
import { openTestDb } from '@montage/db/testing'
import { createControlWorker, type CreateControlWorkerOptions } from '../src'
import { generationWorkflowId, streams, subjects } from '@montage/core'
import type { TControlGenerationInput } from '../src/activities/create-control-activities'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A fresh user, their workspace with `credits`, and one board. */
export async function createStudio(sql: Sql, credits: number, userName: string) {
  const user = await upsertUser(sql, { authSubject: `test:${randomUUID()}`, name: userName })
  const ws = await createWorkspace(sql, { name: 'Studio', ownerId: user.id })
  if (credits) await grantCredits(sql, { workspaceId: ws.id, amount: credits, note: 'test' })
  const board = await createBoard(sql, { workspaceId: ws.id, name: 'Board', createdBy: user.id })
  return { user, ws, board }
}

/** Every board command published for a board so far, oldest first. */
export async function readBoardCommands(nc: NatsConnection, boardId: string): Promise<TBoardCommand[]> {
  const consumer = await jetstream(nc).consumers.get(streams.boardCommands.name, { filter_subjects: subjects.boardCommand(boardId) })
  const out: TBoardCommand[] = []
  const batch = await consumer.fetch({ max_messages: 200, expires: 1000 })
  for await (const m of batch) out.push(m.json<TBoardCommand>())
  return out
}

/**
 * Starts a gpu-worker entry (`src/main.ts`, `src/hosted-main.ts`) as `npm start` does and waits
 * until it polls its queue. Node itself with tsx's loader: the tsx CLI is a wrapper whose SIGKILL
 * would orphan the real worker.
 */
export async function startWorkerProcess(script: string, env: NodeJS.ProcessEnv, children: ChildProcess[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: path.join(REPO_ROOT, 'gpu-worker'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString()
      if (/worker on queue/.test(out)) resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal}):\n${out}`)))
  })
  return child
}

/**
 * What every workflow test runs against: the test database, NATS with the board-command stream,
 * a Temporal client, and the control worker (workflows + control activities) on `prefix`'s queues.
 * Tests add their own gpu or hosted workers with `run`; `close` stops every worker, then the
 * connections.
 */
export interface TControlRig {
  sql: Sql
  nc: NatsConnection
  client: Client
  nativeConnection: NativeConnection
  run(worker: Worker): void
  close(): Promise<void>
}

/** `webhooks`: the delivery retry policy and address check the worker runs with (tests shorten the backoff). */
export async function startControlRig(prefix: string, opts: Pick<CreateControlWorkerOptions, 'webhooks'> = {}): Promise<TControlRig> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'
  const sql = await openTestDb()
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  await ensureBoardCommandStream(await jetstreamManager(nc))
  const nativeConnection = await NativeConnection.connect({ address })
  const workers: Worker[] = []
  const runs: Promise<void>[] = []
  const run = (worker: Worker) => {
    workers.push(worker)
    runs.push(worker.run())
  }
  run(await createControlWorker({ connection: nativeConnection, namespace: 'default', taskQueuePrefix: prefix, db: sql, js: jetstream(nc), webhooks: opts.webhooks }))
  const client = new Client({ connection: await Connection.connect({ address }) })
  return {
    sql,
    nc,
    client,
    nativeConnection,
    run,
    async close() {
      for (const worker of workers) worker.shutdown()
      await Promise.all(runs)
      await client.connection.close()
      await nativeConnection.close()
      await nc.drain()
      await sql.end()
    },
  }
}

/**
 * A queued previz generation row of a new studio (10 credits, one user named `userName`), and the
 * control activities' input for it, as a started workflow would pass it.
 */
export async function createControlGeneration(sql: Sql, opts: { credits: number; userName: string }): Promise<TControlGenerationInput> {
  const s = await createStudio(sql, 10, opts.userName)
  const input: TControlGenerationInput = {
    generationId: randomUUID(), workspaceId: s.ws.id, boardId: s.board.id, userId: s.user.id, shotId: 'shape:shot1', variationId: `shape:v${randomUUID().slice(0, 8)}`,
    model: 'previz', params: {}, prompt: '', referenceAssets: [], referenceIds: [], credits: opts.credits,
  }
  await createGeneration(sql, { id: input.generationId, workspaceId: input.workspaceId, boardId: input.boardId, shotId: input.shotId, variationId: input.variationId, model: input.model, params: {}, credits: opts.credits, workflowId: generationWorkflowId(input.generationId), createdBy: input.userId })
  return input
}
