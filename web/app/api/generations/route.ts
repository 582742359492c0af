import { NextResponse } from 'next/server'
import { parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { ZStartGenerationsRequest, validateAndStartGeneration } from '@/lib/server/generations/start-generation'

/**
 * Starts one generation (each request counts once against the person's and the workspace's
 * generation rate limits; credits bound what a batch costs), or `count` (1–4) variations of the shot as a batch: validates everything
 * first, so a refused request (400, or 402 when the credits cannot cover all of them) stores nothing.
 * Answers with the first generation's fields, as before batches, plus `generations`: all of them.
 */
export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const body = parseInput(ZStartGenerationsRequest, await readJson(req))
  const sql = db()
  // The workspace's budget is counted only for its own members: nobody else can spend it.
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, userId: user.id, permission: 'generation.start' })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: board.workspaceId }])
  const started = await validateAndStartGeneration(sql, user.id, body)
  return NextResponse.json(started, { status: 202 })
})
