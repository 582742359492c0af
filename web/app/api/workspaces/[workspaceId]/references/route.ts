import { NextResponse } from 'next/server'
import { parseInput, ZCreateReferenceRequest, ZReferenceListQuery, ZWorkspaceParams } from '@montage/core'
import { createLibraryReference, listLibraryReferencesPage } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ workspaceId: string }> }

/** `GET /api/workspaces/:workspaceId/references?cursor=&limit=`: the workspace's reference library, oldest first, a page at a time. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZWorkspaceParams, await params)
  const query = parseInput(ZReferenceListQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.view' })
  const rows = await listLibraryReferencesPage(sql, { workspaceId, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(toPage(rows, query.limit, (r) => ({ at: r.pageAt, id: r.id }), ({ pageAt: _pageAt, ...reference }) => reference))
})

/** `POST /api/workspaces/:workspaceId/references` `{ tag, kind, name?, assetIds }` → 201 `{ reference }`; 409 on a taken tag. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { workspaceId } = parseInput(ZWorkspaceParams, await params)
  const body = parseInput(ZCreateReferenceRequest, await readJson(req))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.edit' })
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
