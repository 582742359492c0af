import { NextResponse } from 'next/server'
import { ZWorkspaceActivityQuery, ZWorkspaceParams, parseInput } from '@montage/core'
import { route } from '@/lib/server/api-error'
import { listAuditTrail, toAuditEntries } from '@/lib/server/audit-trail'
import { db } from '@/lib/server/context'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }

/**
 * `GET /api/workspaces/:workspaceId/activity?board=&person=&kind=&cursor=&limit=`: the workspace's
 * audit trail, newest first: who generated, edited, commented and decided, in which role, when.
 * Every member may read it (all of a workspace's boards are open to its members); a board of
 * another workspace given as `board` matches nothing.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZWorkspaceParams, await params)
  const q = parseInput(ZWorkspaceActivityQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.view' })
  const rows = await listAuditTrail(sql, { workspaceId, boardId: q.board, personId: q.person, kind: q.kind, after: decodeCursor(q.cursor), limit: q.limit })
  const page = toPage(rows, q.limit, (r) => ({ at: r.pageAt, id: r.id }), (r) => r)
  return NextResponse.json({ items: await toAuditEntries(sql, page.items), nextCursor: page.nextCursor })
})
