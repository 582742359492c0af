import { NextResponse } from 'next/server'
import { AppError, AppErrorCode } from '@montage/core'
import { cancelGenerationWorkflow } from '@montage/workflows/client'
import { route } from '@/lib/server/api-error'
import { db, temporalClient } from '@/lib/server/context'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ id: string }> }

/** Asks the generation's workflow to stop; it releases the credits and marks the variation cancelled. */
export const POST = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { id } = await params
  const sql = db()
  const generation = await requireGenerationAccess(sql, { generationId: id, caller })
  if (generation.finishedAt) {
    throw new AppError(AppErrorCode.CONFLICT, `This generation has already ${generation.status === 'succeeded' ? 'succeeded' : `ended (${generation.status})`}; there is nothing to cancel.`)
  }
  try {
    await cancelGenerationWorkflow({ client: await temporalClient(), generationId: generation.id })
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now; the generation could not be cancelled. Try again shortly.', { cause: e })
  }
  return NextResponse.json({ generationId: generation.id, status: 'cancelling' }, { status: 202 })
})
