import { parseInput, ZRenderSequenceRequest } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { idempotentResponse } from '@/lib/server/idempotency'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartSequenceRender } from '@/lib/server/generations/start-sequence-render'

/**
 * Renders a sequence into a new version of it: 202 with the render's generation id. The body
 * names the board, the sequence and the queued placeholder the canvas placed; the timeline is read
 * from the board. Refused, with nothing stored and no credit moved: a bad body (400 naming the
 * field), a sequence with problems (400 listing them), a delivery sequence with a clip not
 * approved (409 naming it), a workspace that cannot pay (402). Counted like a generation against
 * the person's and the workspace's rate limits.
 */
export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const raw = await readJson(req)
  const body = parseInput(ZRenderSequenceRequest, raw)
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'generation.start' })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: board.workspaceId }])
  return idempotentResponse(req, caller, raw, async () => ({ status: 202, body: await validateAndStartSequenceRender(sql, caller, body) }))
})
