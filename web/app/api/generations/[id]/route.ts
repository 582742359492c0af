import { NextResponse } from 'next/server'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { generationView } from '@/lib/server/generation-view'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ id: string }> }

/** `GET /api/generations/:id` → the generation: its status, and once it succeeded, its output (poll until it finishes). */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { id } = await params
  const generation = await requireGenerationAccess(db(), { generationId: id, caller, permission: 'board.view' })
  return NextResponse.json(generationView(generation))
})
