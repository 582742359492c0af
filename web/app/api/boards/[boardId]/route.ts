import { NextResponse } from 'next/server'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

export const GET = route<{ params: Promise<{ boardId: string }> }>(async (_req, { params }) => {
  const { user } = await requireApiSession()
  const { boardId } = await params
  const { board, role } = await requireBoardAccess(db(), { boardId, userId: user.id, permission: 'board.view' })
  return NextResponse.json({ id: board.id, name: board.name, workspaceId: board.workspaceId, role })
})
