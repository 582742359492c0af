import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZDuplicateBoardRequest, parseInput } from '@montage/core'
import { duplicateBoard } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/** A new board holding a copy of this one's document (owners and producers; counts against the board quota). */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.manage' })
  const body = parseInput(ZDuplicateBoardRequest, await readJson(req))
  const name = body.name ?? `${board.name.slice(0, 113)} (copy)`
  const copy = await duplicateBoard(sql, { boardId, name, createdBy: user.id, maxPerWorkspace: webEnv().limits.quotas.boardsPerWorkspace })
  if (!copy) throw new AppError(AppErrorCode.NOT_FOUND, 'This board does not exist.')
  return NextResponse.json({ id: copy.id, name: copy.name, workspaceId: copy.workspaceId }, { status: 201 })
})
