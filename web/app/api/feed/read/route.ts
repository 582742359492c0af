import { NextResponse } from 'next/server'
import { ZMarkFeedReadRequest, parseInput } from '@montage/core'
import { readWorkspaceFeed } from '@montage/board'
import { markFeedRead } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db, jetstream } from '@/lib/server/context'
import { requireWorkspaceAccess } from '@/lib/server/require-workspace-access'
import { requireApiSession } from '@/lib/server/session'

/** `POST /api/feed/read` `{ workspaceId, seq? }`: marks the feed read up to `seq` (default: all of it). */
export const POST = route(async (req) => {
  const { user, caller } = await requireApiSession()
  const body = parseInput(ZMarkFeedReadRequest, await readJson(req))
  const sql = db()
  await requireWorkspaceAccess(sql, { workspaceId: body.workspaceId, caller, permission: 'board.view' })
  const seq = body.seq ?? (await readWorkspaceFeed(await jetstream(), body.workspaceId)).at(-1)?.seq ?? 0
  const readSeq = await markFeedRead(sql, { userId: user.id, workspaceId: body.workspaceId, seq })
  return NextResponse.json({ readSeq })
})
