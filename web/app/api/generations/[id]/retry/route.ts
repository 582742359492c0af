import { NextResponse } from 'next/server'
import { z } from 'zod'
import { ZShapeId, parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartRetry } from '@/lib/server/generations/start-retry'

type Ctx = { params: Promise<{ id: string }> }

/** The new variation the client already placed (queued); the server makes one up if absent. */
const ZRetryRequest = z.object({ variationId: ZShapeId.optional() }).strict()

/**
 * Starts a new generation of a failed or cancelled one under a new generation and variation id (its
 * own credits): a shot's generation with the same shot, model, prompt, params and references,
 * validated like Generate; an edit with the same parent, edit and params, validated like Edit.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const { id } = await params
  const body = parseInput(ZRetryRequest, await readJson(req))
  const sql = db()
  const previous = await requireGenerationAccess(sql, { generationId: id, userId: user.id })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: previous.workspaceId }])
  const started = await validateAndStartRetry(sql, user.id, previous, body.variationId)
  return NextResponse.json(started, { status: 202 })
})
