import { parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { idempotentResponse } from '@/lib/server/idempotency'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartAssetEdit, ZStartAssetEditRequest } from '@/lib/server/generations/start-edit'

/**
 * Starts an edit (relight, restyle, upscale, interpolate, composite, or a Runway video→video pass)
 * of any asset of the board's workspace: an upload, a library reference, a variation's output.
 * The result is a variation in an Edits shot beside the card it was started from. With an
 * `Idempotency-Key`, a retry of the same request answers the first one's result and starts nothing.
 */
export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const raw = await readJson(req)
  const body = parseInput(ZStartAssetEditRequest, raw)
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'generation.start' })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: board.workspaceId }])
  return idempotentResponse(req, caller, raw, async () => ({ status: 202, body: await validateAndStartAssetEdit(sql, caller, body) }))
})
