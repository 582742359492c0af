import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { JSONCodec, type NatsConnection } from 'nats'
import { createBoard, createWorkspace, grantCredits, upsertUser, type Sql } from '@montage/db'
import type { TBoardCommand } from '@montage/board'
import { streams, subjects } from '@montage/core'

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
  const consumer = await nc.jetstream().consumers.get(streams.boardCommands.name, { filterSubjects: subjects.boardCommand(boardId) })
  const out: TBoardCommand[] = []
  const codec = JSONCodec<TBoardCommand>()
  const batch = await consumer.fetch({ max_messages: 200, expires: 1000 })
  for await (const m of batch) out.push(codec.decode(m.data))
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
