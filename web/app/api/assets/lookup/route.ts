import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, parseInput, ZAssetLookupQuery, type TAssetView } from '@montage/core'
import { getAssetView } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { toAssetView } from '@/lib/server/uploads/to-asset-view'

/**
 * `GET /api/assets/lookup?boardId=…&sha256=…` → `{ asset }`: the asset behind bytes a board shape
 * shows (shapes carry the sha256, the library wants asset ids).
 */
export const GET = route(async (req) => {
  const { caller } = await requireApiSession()
  const query = parseInput(ZAssetLookupQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: query.boardId, caller, permission: 'board.view' })
  const row = await getAssetView(sql, { workspaceId: board.workspaceId, sha256: query.sha256 })
  if (!row) throw new AppError(AppErrorCode.NOT_FOUND, 'No such asset in this workspace.')
  const asset: TAssetView = toAssetView(row)
  return NextResponse.json({ asset })
})
