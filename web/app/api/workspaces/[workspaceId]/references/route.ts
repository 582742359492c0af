import { NextResponse } from 'next/server'
import { z } from 'zod'
import { parseInput, ZCreateReferenceRequest, type TListReferencesResponse } from '@montage/core'
import { createLibraryReference, listLibraryReferences } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }
const ZParams = z.object({ workspaceId: z.string().uuid() })

/** `GET /api/workspaces/:workspaceId/references`: the workspace's reference library. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { user } = await requireApiSession()
  const { workspaceId } = parseInput(ZParams, await params)
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, userId: user.id, permission: 'board.view' })
  const body: TListReferencesResponse = { references: await listLibraryReferences(sql, { workspaceId }) }
  return NextResponse.json(body)
})

/** `POST /api/workspaces/:workspaceId/references` `{ tag, kind, name?, assetIds }` → 201 `{ reference }`; 409 on a taken tag. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const { workspaceId } = parseInput(ZParams, await params)
  const body = parseInput(ZCreateReferenceRequest, await readJson(req))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, userId: user.id, permission: 'board.edit' })
  const reference = await createLibraryReference(sql, {
    workspaceId,
    tag: body.tag,
    kind: body.kind,
    name: body.name ?? '',
    assetIds: body.assetIds,
    createdBy: user.id,
  })
  return NextResponse.json({ reference }, { status: 201 })
})
