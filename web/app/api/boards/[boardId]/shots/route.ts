import { randomUUID } from 'node:crypto'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZCreateShotRequest, ZPageQuery, parseInput } from '@montage/core'
import { defaultShotProps, publishBoardCommand, SHOT_SHAPE } from '@montage/board'
import { readJson, route } from '@/lib/server/api-error'
import { boardShapesPage } from '@/lib/server/board-shapes-page'
import { db, jetstream } from '@/lib/server/context'
import { logger } from '@/lib/server/logger'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/** `GET /api/boards/:boardId/shots?cursor=&limit=`: the board's shots (their briefs), a page at a time. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const query = parseInput(ZPageQuery.strict(), Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  return NextResponse.json(await boardShapesPage(sql, { boardId, type: SHOT_SHAPE, ...query }))
})

/**
 * Creates a shot without a browser: the collab-server places it on the board through a board
 * command (below what is there), and everyone watching sees it arrive. 201 with the shot; start
 * its generations with `POST /api/generations` at once (commands on a board apply in order).
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'board.edit' })
  const { shotId = `shape:${randomUUID()}`, ...brief } = parseInput(ZCreateShotRequest, await readJson(req))
  try {
    await publishBoardCommand(await jetstream(), { id: `shot.create:${shotId}`, type: 'shot.create', boardId: board.id, shotId, brief })
  } catch (e) {
    logger().warn({ err: e, boardId }, 'could not publish shot.create')
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The board cannot take new shots right now. Try again in a moment.')
  }
  const { w: _w, h: _h, ...defaults } = defaultShotProps()
  return NextResponse.json({ shot: { ...defaults, ...brief, id: shotId, type: SHOT_SHAPE, boardId: board.id } }, { status: 201 })
})
