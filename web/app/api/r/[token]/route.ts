import { NextResponse } from 'next/server'
import type { TReviewScopeView } from '@montage/core'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireGuest } from '@/lib/server/require-guest'
import { storedBoardScope } from '@/lib/server/stored-board-scope'

type Ctx = { params: Promise<{ token: string }> }

/** The shots and variations a guest may review, from the stored board. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { token } = await params
  const sql = db()
  const { link, board, guest } = await requireGuest(sql, token)
  const { shots } = await storedBoardScope(sql, { boardId: board.id, scope: link.scope, shotId: link.shotId })
  const view: TReviewScopeView = { board: { name: board.name }, scope: link.scope, guestName: guest.name, allowDownloads: link.allowDownloads, shots }
  return NextResponse.json(view)
})
