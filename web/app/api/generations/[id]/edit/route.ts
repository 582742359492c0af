import { parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { idempotentResponse } from '@/lib/server/idempotency'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartEdit, ZStartEditRequest } from '@/lib/server/generations/start-edit'

type Ctx = { params: Promise<{ id: string }> }

/**
 * Starts an edit (relight, restyle, upscale, interpolate, composite, or a Runway video→video pass)
 * of generation `<id>`'s output: a new generation in the same shot that records its parent.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const { id } = await params
  const sql = db()
  const parent = await requireGenerationAccess(sql, { generationId: id, caller })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: parent.workspaceId }])
  const raw = await readJson(req)
  const body = parseInput(ZStartEditRequest, raw)
  return idempotentResponse(req, caller, raw, async () => ({ status: 202, body: await validateAndStartEdit(sql, caller, id, body) }))
})
