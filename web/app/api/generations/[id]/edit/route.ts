import { NextResponse } from 'next/server'
import { parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartEdit, ZStartEditRequest } from '@/lib/server/start-edit-generation'

type Ctx = { params: Promise<{ id: string }> }

/**
 * Starts an edit (relight, restyle, upscale, interpolate, composite, or a Runway video→video pass)
 * of generation `<id>`'s output: a new generation in the same shot that records its parent.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const { id } = await params
  const body = parseInput(ZStartEditRequest, await readJson(req))
  const started = await validateAndStartEdit(db(), user.id, id, body)
  return NextResponse.json(started, { status: 202 })
})
