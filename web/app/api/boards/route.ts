import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput, roleCan } from '@montage/core'
import { createBoard, getWorkspaceRole } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requireApiSession } from '@/lib/server/session'

const ZCreateBoard = z.object({ workspaceId: z.string().uuid(), name: z.string().trim().min(1, 'Name the board').max(120) }).strict()

export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  const body = parseInput(ZCreateBoard, await readJson(req))
  const sql = db()
  const role = await getWorkspaceRole(sql, { userId: user.id, workspaceId: body.workspaceId })
  if (!role) throw new AppError(AppErrorCode.FORBIDDEN, 'You are not a member of this workspace.')
  if (!roleCan(role, 'board.edit')) throw new AppError(AppErrorCode.FORBIDDEN, `Your role (${role}) cannot create boards.`)
  const board = await createBoard(sql, { workspaceId: body.workspaceId, name: body.name, createdBy: user.id, maxPerWorkspace: webEnv().limits.quotas.boardsPerWorkspace })
  return NextResponse.json({ id: board.id, name: board.name, workspaceId: board.workspaceId, role }, { status: 201 })
})
