import { NextResponse } from 'next/server'
import { parseInput } from '@montage/core'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireApiSession } from '@/lib/server/session'
import { ZStartGenerationsRequest, validateAndStartGeneration } from '@/lib/server/start-generation'

/**
 * Starts one generation, or `count` (1–4) variations of the shot as a batch: validates everything
 * first, so a refused request (400, or 402 when the credits cannot cover all of them) stores nothing.
 * Answers with the first generation's fields, as before batches, plus `generations`: all of them.
 */
export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  const body = parseInput(ZStartGenerationsRequest, await readJson(req))
  const started = await validateAndStartGeneration(db(), user.id, body)
  return NextResponse.json(started, { status: 202 })
})
