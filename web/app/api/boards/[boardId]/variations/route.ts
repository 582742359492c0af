import { NextResponse } from 'next/server'
import { ZListVariationsQuery, parseInput } from '@montage/core'
import { VARIATION_SHAPE } from '@montage/board'
import { route } from '@/lib/server/api-error'
import { boardShapesPage } from '@/lib/server/board-shapes-page'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/**
 * `GET /api/boards/:boardId/variations?shotId=&cursor=&limit=`: the board's variations (status,
 * output, provenance, review state, generation id), of one shot when `shotId` says so.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const { shotId, ...page } = parseInput(ZListVariationsQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  return NextResponse.json(await boardShapesPage(sql, { boardId, type: VARIATION_SHAPE, where: shotId ? (p) => p.shotId === shotId : undefined, ...page }))
})
