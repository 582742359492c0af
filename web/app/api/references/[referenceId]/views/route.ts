import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput, ZAddReferenceViewRequest } from '@montage/core'
import { addReferenceView, getLibraryReferenceWorkspace } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ referenceId: string }> }

/** `POST /api/references/:referenceId/views` `{ assetId }` → 201 `{ reference }` with the view added (at most 3). */
export const POST = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { referenceId } = parseInput(z.object({ referenceId: z.string().uuid() }), await params)
  const body = parseInput(ZAddReferenceViewRequest, await readJson(req))
  const sql = db()
  const workspaceId = await getLibraryReferenceWorkspace(sql, referenceId)
  if (!workspaceId) throw new AppError(AppErrorCode.NOT_FOUND, 'No such reference.')
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.edit' })
  const reference = await addReferenceView(sql, { workspaceId, referenceId, assetId: body.assetId })
  return NextResponse.json({ reference }, { status: 201 })
})
