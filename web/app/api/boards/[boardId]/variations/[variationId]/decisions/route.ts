import { NextResponse } from 'next/server'
import { ZShapeId, parseInput } from '@montage/core'
import { listReviewDecisions } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string; variationId: string }> }

/** The variation's decisions, oldest first: who decided what, and when. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId, variationId: rawVariationId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  const variationId = parseInput(ZShapeId, decodeURIComponent(rawVariationId))
  return NextResponse.json({ decisions: await listReviewDecisions(sql, { boardId, variationId }) })
})
