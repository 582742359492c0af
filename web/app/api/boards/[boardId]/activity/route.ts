import { NextResponse } from 'next/server'
import { ZBoardActivityQuery, parseInput } from '@montage/core'
import { route } from '@/lib/server/api-error'
import { listAuditTrail, toAuditEntries } from '@/lib/server/audit-trail'
import { db } from '@/lib/server/context'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/**
 * `GET /api/boards/:boardId/activity?variationId=|shotId=&kind=&cursor=&limit=`: the audit trail of
 * a variation (its own rows and the edits made from it), of a shot, or of the whole board, newest
 * first. Every member may read it, reviewers included.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  const q = parseInput(ZBoardActivityQuery, Object.fromEntries(new URL(req.url).searchParams))
  const rows = await listAuditTrail(sql, { workspaceId: board.workspaceId, boardId, variationId: q.variationId, shotId: q.shotId, kind: q.kind, after: decodeCursor(q.cursor), limit: q.limit })
  const page = toPage(rows, q.limit, (r) => ({ at: r.pageAt, id: r.id }), (r) => r)
  return NextResponse.json({ items: await toAuditEntries(sql, page.items), nextCursor: page.nextCursor })
})
