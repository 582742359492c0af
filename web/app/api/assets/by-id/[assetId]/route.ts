import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput, type TAssetView } from '@montage/core'
import { getAssetView } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'
import { toAssetView } from '@/lib/server/uploads/to-asset-view'

type Ctx = { params: Promise<{ assetId: string }> }

/** `GET /api/assets/by-id/:assetId` → `{ asset }`: the upload answer's object, with ingest's latest state. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { assetId } = parseInput(z.object({ assetId: z.string().uuid() }), await params)
  const sql = db()
  const row = await getAssetView(sql, { id: assetId })
  if (!row) throw new AppError(AppErrorCode.NOT_FOUND, 'No such asset.')
  await requireWorkspaceAccess(sql, { workspaceId: row.workspaceId, caller, permission: 'board.view' })
  const asset: TAssetView = toAssetView(row)
  return NextResponse.json({ asset })
})
