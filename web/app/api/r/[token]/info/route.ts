import { NextResponse } from 'next/server'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireActiveReviewLink } from '@/lib/server/require-guest'

type Ctx = { params: Promise<{ token: string }> }

/** What the guest page shows before a session exists: the board's name and whether a passphrase is asked. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { token } = await params
  const { link, board } = await requireActiveReviewLink(db(), token)
  return NextResponse.json({ board: { name: board.name }, scope: link.scope, hasPassphrase: link.hasPassphrase, expiresAt: link.expiresAt })
})
