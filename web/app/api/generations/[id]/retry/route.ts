import { ZRetryGenerationRequest, parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { idempotentResponse } from '@/lib/server/idempotency'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartRetry } from '@/lib/server/generations/start-retry'

type Ctx = { params: Promise<{ id: string }> }

/** The new variation the client already placed (queued); the server makes one up if absent. */

/**
 * Starts a new generation of a failed or cancelled one under a new generation and variation id (its
 * own credits): a shot's generation with the same shot, model, prompt, params and references,
 * validated like Generate; an edit with the same parent, edit and params, validated like Edit.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const { id } = await params
  const raw = await readJson(req)
  const body = parseInput(ZRetryGenerationRequest, raw)
  const sql = db()
  const previous = await requireGenerationAccess(sql, { generationId: id, caller })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: previous.workspaceId }])
  return idempotentResponse(req, caller, raw, async () => ({ status: 202, body: await validateAndStartRetry(sql, caller, previous, body.variationId) }))
})
