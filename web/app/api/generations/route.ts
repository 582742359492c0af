import { AppError, AppErrorCode, ZListGenerationsQuery, ZStartGenerationsRequest, parseInput } from '@montage/core'
import { listGenerationsPage } from '@montage/db'
import { NextResponse } from 'next/server'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { idempotentResponse } from '@/lib/server/idempotency'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { generationView } from '@/lib/server/generation-view'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartGeneration } from '@/lib/server/generations/start-generation'

/**
 * Starts one generation (each request counts once against the person's and the workspace's
 * generation rate limits; credits bound what a batch costs), or `count` (1–4) variations of the shot as a batch: validates everything
 * first, so a refused request (400, or 402 when the credits cannot cover all of them) stores nothing.
 * With an `Idempotency-Key`, a retry of the same request answers the first one's result and starts nothing.
 * Answers with the first generation's fields, as before batches, plus `generations`: all of them.
 */
export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const raw = await readJson(req)
  const body = parseInput(ZStartGenerationsRequest, raw)
  const sql = db()
  // The workspace's budget is counted only for its own members: nobody else can spend it.
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'generation.start' })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: board.workspaceId }])
  return idempotentResponse(req, caller, raw, async () => ({ status: 202, body: await validateAndStartGeneration(sql, caller, body) }))
})

/**
 * `GET /api/generations?boardId=|workspaceId=&shotId=&status=&cursor=&limit=`: generations oldest
 * first, a page at a time (`nextCursor` until the last page). A board, or a workspace, is required.
 */
export const GET = route(async (req) => {
  const { caller } = await requireApiSession()
  const query = parseInput(ZListGenerationsQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  let workspaceId = query.workspaceId
  if (query.boardId) {
    const { board } = await requireBoardAccess(sql, { boardId: query.boardId, caller, permission: 'board.view' })
    if (workspaceId && workspaceId !== board.workspaceId) throw new AppError(AppErrorCode.BAD_REQUEST, 'workspaceId: the board belongs to another workspace', { field: 'workspaceId' })
    workspaceId = board.workspaceId
  } else if (workspaceId) {
    await requireWorkspaceAccess(sql, { workspaceId, caller, permission: 'board.view' })
  } else {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'boardId: name a board (or a workspace with workspaceId) to list its generations', { field: 'boardId' })
  }
  const rows = await listGenerationsPage(sql, { workspaceId, boardId: query.boardId, shotId: query.shotId, status: query.status, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(toPage(rows, query.limit, (g) => ({ at: g.pageAt, id: g.id }), generationView))
})
