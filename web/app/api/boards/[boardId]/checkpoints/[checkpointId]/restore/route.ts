import { randomUUID } from 'node:crypto'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode } from '@montage/core'
import { listBoardCheckpoints } from '@montage/db'
import { publishBoardCommand } from '@montage/board'
import { route } from '@/lib/server/api-error'
import { db, jetstream } from '@/lib/server/context'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireCheckpointRoom } from '@/lib/server/require-checkpoint-room'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string; checkpointId: string }> }

/**
 * Restores a checkpoint as a new edit of the live board (the collab-server first checkpoints
 * the state it replaces, so a restore can itself be undone). Everyone on the board sees it.
 */
export const POST = route<Ctx>(async (_req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { boardId, checkpointId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.edit' })
  const checkpoint = (await listBoardCheckpoints(sql, boardId)).find((c) => c.id === checkpointId)
  if (!checkpoint) throw new AppError(AppErrorCode.NOT_FOUND, 'checkpointId: no such checkpoint on this board', { field: 'checkpointId' })
  await enforceRateLimits([{ limit: 'checkpointsPerPerson', key: user.id }])
  // A restore first saves the state it replaces as a checkpoint of its own.
  await requireCheckpointRoom(sql, boardId, 'restore')
  try {
    // Each press is its own restore: a fresh command id.
    await publishBoardCommand(await jetstream(), { id: `restore:${checkpointId}:${randomUUID()}`, type: 'checkpoint.restore', boardId, checkpointId, createdBy: user.id })
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The board service is unavailable right now; nothing was restored.', { cause: e })
  }
  return NextResponse.json({ restoring: checkpoint }, { status: 202 })
})
