import { AppError, AppErrorCode, ZSha256 } from '@montage/core'
import { getAsset } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { serveDownload } from '@/lib/server/downloads/serve-download'
import { requireGuest } from '@/lib/server/require-guest'
import { storedBoardScope } from '@/lib/server/stored-board-scope'

type Ctx = { params: Promise<{ token: string; sha256: string }> }

/**
 * A guest's download of a file in the link's scope, with its Content Credentials: only when the
 * link allows downloads (403 otherwise); anything outside the scope is 404, as for viewing.
 */
async function serve(req: Request, { params }: Ctx, withBody: boolean): Promise<Response> {
  const { token, sha256 } = await params
  const sql = db()
  const { link, board } = await requireGuest(sql, token)
  if (!link.allowDownloads) throw new AppError(AppErrorCode.FORBIDDEN, 'This review link does not allow downloads. Ask whoever sent it.')
  const notFound = new AppError(AppErrorCode.NOT_FOUND, 'No such asset in this review.')
  if (!ZSha256.safeParse(sha256).success) throw notFound
  const scope = await storedBoardScope(sql, { boardId: board.id, scope: link.scope, shotId: link.shotId })
  if (!scope.assetShas.has(sha256)) throw notFound
  const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256 })
  if (!asset) throw notFound
  const sidecar = new URL(req.url).searchParams.get('sidecar') === '1'
  return serveDownload({ sql, asset, workspaceId: board.workspaceId, boardId: board.id, withBody, sidecar })
}

export const GET = route<Ctx>((req, ctx) => serve(req, ctx, true))
export const HEAD = route<Ctx>((req, ctx) => serve(req, ctx, false))
