import { AppError, AppErrorCode, parseInput, ZAssetDownloadQuery, ZSha256 } from '@montage/core'
import { getAsset } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { serveDownload } from '@/lib/server/downloads/serve-download'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ sha256: string }> }

/**
 * `GET /api/assets/<sha256>/download?boardId=` (`&sidecar=1` for the `.c2pa` beside a file that
 * cannot carry one): a file of the board's workspace, for any member who may view the board, as an
 * attachment with its Content Credentials. The session cookie authorises it (a link with
 * `download` is a plain navigation), and nothing is cached on the way.
 */
async function serve(req: Request, { params }: Ctx, withBody: boolean): Promise<Response> {
  const { caller } = await requireApiSession()
  const { sha256 } = await params
  const query = parseInput(ZAssetDownloadQuery, Object.fromEntries(new URL(req.url).searchParams))
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: query.boardId, caller, permission: 'board.view' })
  const notFound = new AppError(AppErrorCode.NOT_FOUND, 'No such asset in this workspace.')
  if (!ZSha256.safeParse(sha256).success) throw notFound
  const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256 })
  if (!asset) throw notFound
  return serveDownload({ sql, asset, workspaceId: board.workspaceId, boardId: board.id, withBody, sidecar: query.sidecar === '1' })
}

export const GET = route<Ctx>((req, ctx) => serve(req, ctx, true))
export const HEAD = route<Ctx>((req, ctx) => serve(req, ctx, false))
