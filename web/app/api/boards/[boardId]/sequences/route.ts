import { NextResponse } from 'next/server'
import { parseInput } from '@montage/core'
import { SEQUENCE_SHAPE } from '@montage/board'
import { route } from '@/lib/server/api-error'
import { boardShapesPage } from '@/lib/server/board-shapes-page'
import { db } from '@/lib/server/context'
import { ZPageQuery } from '@/lib/server/pagination'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/** `GET /api/boards/:boardId/sequences?cursor=&limit=`: the board's sequences (their settings; clips via the export routes). */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const query = parseInput(ZPageQuery.strict(), Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  return NextResponse.json(await boardShapesPage(sql, { boardId, type: SEQUENCE_SHAPE, ...query }))
})
