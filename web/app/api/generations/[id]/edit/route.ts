import { NextResponse } from 'next/server'
import { parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
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
  const { user } = await requireApiSession()
  await enforceRateLimits([{ limit: 'generationsPerPerson', key: user.id }])
  const { id } = await params
  const sql = db()
  const parent = await requireGenerationAccess(sql, { generationId: id, userId: user.id })
  await enforceRateLimits([{ limit: 'generationsPerWorkspace', key: parent.workspaceId }])
  const body = parseInput(ZStartEditRequest, await readJson(req))
  const started = await validateAndStartEdit(sql, user.id, id, body)
  return NextResponse.json(started, { status: 202 })
})
