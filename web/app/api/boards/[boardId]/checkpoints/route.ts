import { randomUUID } from 'node:crypto'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, parseInput, ZCreateCheckpointRequest } from '@montage/core'
import { listBoardCheckpoints } from '@montage/db'
import { publishBoardCommand } from '@montage/board'
import { readJson, route } from '@/lib/server/api-error'
import { db, jetstream } from '@/lib/server/context'
import { requireCheckpointRoom } from '@/lib/server/require-checkpoint-room'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }


/** How long a save waits for the collab-server to store the checkpoint before answering 202. */
const SAVE_WAIT_MS = 10_000

/** The board's named checkpoints, newest first. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  return NextResponse.json({ checkpoints: await listBoardCheckpoints(sql, boardId) })
})

/**
 * Saves a checkpoint of the live board. The collab-server takes it (only it holds every edit), so
 * this publishes the command and waits briefly for the stored row.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { boardId } = await params
  const { name } = parseInput(ZCreateCheckpointRequest, await readJson(req))
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.edit' })
  await enforceRateLimits([{ limit: 'checkpointsPerPerson', key: user.id }])
  await requireCheckpointRoom(sql, boardId, 'save')
  const checkpointId = randomUUID()
  try {
    await publishBoardCommand(await jetstream(), { id: `checkpoint:${checkpointId}`, type: 'checkpoint.create', boardId, checkpointId, name, createdBy: user.id })
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The board service is unavailable right now; the checkpoint was not saved.', { cause: e })
  }
  const deadline = Date.now() + SAVE_WAIT_MS
  while (Date.now() < deadline) {
    const saved = (await listBoardCheckpoints(sql, boardId)).find((c) => c.id === checkpointId)
    if (saved) return NextResponse.json({ checkpoint: saved }, { status: 201 })
    await new Promise((r) => setTimeout(r, 150))
  }
  return NextResponse.json({ checkpoint: { id: checkpointId, boardId, name, pending: true } }, { status: 202 })
})
