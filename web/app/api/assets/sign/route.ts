import { NextResponse } from 'next/server'
import { parseInput, ZSignAssetsRequest, type TSignAssetsResponse } from '@montage/core'
import { filterWorkspaceAssets } from '@montage/db'
import { route, readJson } from '@/lib/server/api-error'
import { db, mediaUrlSecret } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { signMediaUrl } from '@/lib/server/media-url'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

/**
 * `POST /api/assets/sign` `{ sha256s, boardId }` → `{ urls, expiresAt }` for members of the board's
 * workspace (any role that may view it). Only assets of that workspace are signed; a sha256 that
 * is not one is left out of `urls`, so one stray shape does not cost the others their media.
 */
export const POST = route(async (req) => {
  const { caller } = await requireApiSession()
  const body = parseInput(ZSignAssetsRequest, await readJson(req))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'board.view' })
  const known = await filterWorkspaceAssets(sql, { workspaceId: board.workspaceId, sha256s: [...new Set(body.sha256s)] })
  const expires = Math.floor(Date.now() / 1000) + webEnv().MEDIA_URL_TTL_SECONDS
  const secret = await mediaUrlSecret()
  const urls: Record<string, string> = {}
  for (const sha256 of known) urls[sha256] = signMediaUrl(secret, { sha256, workspaceId: board.workspaceId, expires })
  const res: TSignAssetsResponse = { urls, expiresAt: expires * 1000 }
  return NextResponse.json(res)
})
