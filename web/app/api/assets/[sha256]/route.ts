import { AppError, AppErrorCode, ZSha256 } from '@montage/core'
import { getAsset, listMemberships, type TAssetRow } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { serveAsset } from '@/lib/server/serve-asset'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ sha256: string }> }

/*
 * The cookie-authenticated asset route. Signed URLs (`POST /api/assets/sign`, `/api/media/…`)
 * replace it; it stays while the review panel, the library and uploads still load media through
 * `assetUrl()`.
 */

/** The asset row from any workspace the caller belongs to; NOT_FOUND otherwise (no existence leak). */
async function findVisibleAsset(userId: string, sha256: string): Promise<TAssetRow> {
  if (!ZSha256.safeParse(sha256).success) throw new AppError(AppErrorCode.NOT_FOUND, 'No such asset.')
  const sql = db()
  for (const m of await listMemberships(sql, userId)) {
    const asset = await getAsset(sql, { workspaceId: m.workspaceId, sha256 })
    if (asset) return asset
  }
  throw new AppError(AppErrorCode.NOT_FOUND, 'No such asset.')
}

async function serve(req: Request, { params }: Ctx, withBody: boolean): Promise<Response> {
  const { user } = await requireApiSession()
  const { sha256 } = await params
  const asset = await findVisibleAsset(user.id, sha256)
  return serveAsset(req, { sha256, mimeType: asset.mimeType, withBody, cacheControl: 'private, max-age=31536000, immutable' })
}

export const GET = route<Ctx>((req, ctx) => serve(req, ctx, true))
export const HEAD = route<Ctx>((req, ctx) => serve(req, ctx, false))
