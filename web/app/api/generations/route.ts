import { NextResponse } from 'next/server'
import { ZStartGenerationRequest, parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartGeneration } from '@/lib/server/start-generation'

/** Starts one generation: validates everything first, so a refused request stores nothing. */
export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  const body = parseInput(ZStartGenerationRequest, await readJson(req))
  const started = await validateAndStartGeneration(db(), user.id, body)
  return NextResponse.json(started, { status: 202 })
})
