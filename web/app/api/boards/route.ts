import { NextResponse } from 'next/server'
import { parseInput, ZCreateBoardRequest, ZListBoardsQuery } from '@montage/core'
import { createBoard, listBoardsPage } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  const body = parseInput(ZCreateBoardRequest, await readJson(req))
  const sql = db()
  const role = await requireWorkspaceAccess(sql, { workspaceId: body.workspaceId, caller, permission: 'board.edit' })
  const board = await createBoard(sql, { workspaceId: body.workspaceId, name: body.name, createdBy: user.id, maxPerWorkspace: webEnv().limits.quotas.boardsPerWorkspace })
  return NextResponse.json({ id: board.id, name: board.name, workspaceId: board.workspaceId, role }, { status: 201 })
})

/** `GET /api/boards?workspaceId=&cursor=&limit=`: the workspace's boards, oldest first, a page at a time. */
export const GET = route(async (req) => {
  const { caller } = await requireApiSession()
  const query = parseInput(ZListBoardsQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId: query.workspaceId, caller, permission: 'board.view' })
  const rows = await listBoardsPage(sql, { workspaceId: query.workspaceId, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(
    toPage(rows, query.limit, (b) => ({ at: b.pageAt, id: b.id }), (b) => ({ id: b.id, workspaceId: b.workspaceId, name: b.name, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString() })),
  )
})
