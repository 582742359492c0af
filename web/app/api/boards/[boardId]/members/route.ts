import { NextResponse } from 'next/server'
import { listWorkspaceMembers } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/** The members of the board's workspace, for @mention autocomplete. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  return NextResponse.json({ members: await listWorkspaceMembers(sql, board.workspaceId) })
})
