import { NextResponse } from 'next/server'
import { ZDecisionListQuery, parseInput } from '@montage/core'
import { listReviewDecisionsPage } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/**
 * `GET /api/boards/:boardId/decisions?variationId=&cursor=&limit=`: the board's review decisions,
 * oldest first, a page at a time (every decision is kept; a variation's latest stands);
 * `variationId` narrows to one variation.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  const query = parseInput(ZDecisionListQuery, Object.fromEntries(new URL(req.url).searchParams))
  const rows = await listReviewDecisionsPage(sql, { boardId, variationId: query.variationId, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(toPage(rows, query.limit, (d) => ({ at: d.pageAt, id: d.id }), ({ pageAt: _pageAt, ...decision }) => decision))
})
