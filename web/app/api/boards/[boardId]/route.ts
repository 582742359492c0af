import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZDeleteBoardRequest, ZUpdateBoardRequest, parseInput } from '@montage/core'
import { deleteBoard, renameBoard, setBoardArchived } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const { board, role } = await requireBoardAccess(db(), { boardId, caller, permission: 'board.view' })
  return NextResponse.json({ id: board.id, name: board.name, workspaceId: board.workspaceId, role })
})

/** Renames, archives (`archived: true`) or restores (`archived: false`) a board: owners and producers. */
export const PATCH = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.manage' })
  const body = parseInput(ZUpdateBoardRequest, await readJson(req))
  let name = board.name
  let archivedAt: Date | null | undefined
  // One request, two writes: each alone is whole, and repeating the request gives the same board.
  if (body.name !== undefined) name = (await renameBoard(sql, { boardId, name: body.name }))?.name ?? name
  if (body.archived !== undefined) archivedAt = (await setBoardArchived(sql, { boardId, archived: body.archived }))?.archivedAt
  return NextResponse.json({ id: board.id, workspaceId: board.workspaceId, name, ...(archivedAt !== undefined ? { archivedAt: archivedAt?.toISOString() ?? null } : {}) })
})

/**
 * Deletes a board for good: owners only, and only with its name typed back (`confirmName`), as
 * the confirmation dialog asks; refused while a generation on it is running.
 */
export const DELETE = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.delete' })
  const { confirmName } = parseInput(ZDeleteBoardRequest, await readJson(req))
  if (confirmName.trim() !== board.name) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `confirmName: type the board's name, “${board.name}”, to delete it.`, { field: 'confirmName' })
  }
  await deleteBoard(sql, boardId)
  return NextResponse.json({ id: boardId, deleted: true })
})
