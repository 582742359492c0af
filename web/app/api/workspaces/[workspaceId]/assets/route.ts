import { NextResponse } from 'next/server'
import { z } from 'zod'
import { parseInput } from '@montage/core'
import { listAssetsPage } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { decodeCursor, toPage, ZPageQuery } from '@/lib/server/pagination'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'
import { toAssetView } from '@/lib/server/uploads/to-asset-view'

type Ctx = { params: Promise<{ workspaceId: string }> }
const ZParams = z.object({ workspaceId: z.string().uuid('is not a workspace id') })

/** `GET /api/workspaces/:workspaceId/assets?cursor=&limit=`: the workspace's uploads and outputs, oldest first, with their renditions. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZParams, await params)
  const query = parseInput(ZPageQuery.strict(), Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.view' })
  const rows = await listAssetsPage(sql, { workspaceId, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(toPage(rows, query.limit, (a) => ({ at: a.pageAt, id: a.id }), toAssetView))
})
