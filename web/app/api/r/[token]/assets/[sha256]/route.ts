import { AppError, AppErrorCode, ZSha256 } from '@montage/core'
import { getAsset } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireGuest } from '@/lib/server/require-guest'
import { serveAsset } from '@/lib/server/serve-asset'
import { storedBoardScope } from '@/lib/server/stored-board-scope'

/** How long a guest's presigned URL lives: each load asks this route again, which checks the link. */
const GUEST_PRESIGN_SECONDS = 300

type Ctx = { params: Promise<{ token: string; sha256: string }> }

/**
 * An asset of a variation in the link's scope, and of the board's workspace: anything else is
 * 404, whether or not it exists, so a guest learns nothing by trying other hashes.
 */
async function serve(req: Request, { params }: Ctx, withBody: boolean): Promise<Response> {
  const { token, sha256 } = await params
  const sql = db()
  const { link, board } = await requireGuest(sql, token)
  const notFound = new AppError(AppErrorCode.NOT_FOUND, 'No such asset in this review.')
  if (!ZSha256.safeParse(sha256).success) throw notFound
  const scope = await storedBoardScope(sql, { boardId: board.id, scope: link.scope, shotId: link.shotId })
  if (!scope.assetShas.has(sha256)) throw notFound
  const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256 })
  if (!asset) throw notFound
  // With an object store, a redirect that outlives neither the link nor a few minutes.
  const notAfter = Math.min(Math.floor(Date.now() / 1000) + GUEST_PRESIGN_SECONDS, Math.floor(Date.parse(link.expiresAt) / 1000))
  return serveAsset(req, { sha256, mimeType: asset.mimeType, withBody, cacheControl: 'private, no-store', notAfter })
}

export const GET = route<Ctx>((req, ctx) => serve(req, ctx, true))
export const HEAD = route<Ctx>((req, ctx) => serve(req, ctx, false))
