import { AppError, AppErrorCode } from '@montage/core'
import { getAsset } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db, mediaUrlSecret } from '@/lib/server/context'
import { verifyMediaUrl } from '@/lib/server/media-url'
import { serveAsset } from '@/lib/server/serve-asset'

type Ctx = { params: Promise<{ sha256: string }> }

/**
 * A signed asset URL: no cookie needed (a <video> range request, a review guest), but it serves
 * only the asset it was signed for, only until it expires. Made by `POST /api/assets/sign`. With
 * an object store it redirects to a presigned URL of the store that expires no later than it does.
 */
async function serve(req: Request, { params }: Ctx, withBody: boolean): Promise<Response> {
  const { sha256 } = await params
  const now = Math.floor(Date.now() / 1000)
  const grant = verifyMediaUrl(await mediaUrlSecret(), sha256, new URL(req.url).searchParams, now)
  const asset = await getAsset(db(), { workspaceId: grant.workspaceId, sha256 })
  if (!asset) throw new AppError(AppErrorCode.NOT_FOUND, 'No such asset.')
  return serveAsset(req, { sha256, mimeType: asset.mimeType, withBody, cacheControl: `private, max-age=${Math.max(0, grant.expires - now)}, immutable`, notAfter: grant.expires })
}

export const GET = route<Ctx>((req, ctx) => serve(req, ctx, true))
export const HEAD = route<Ctx>((req, ctx) => serve(req, ctx, false))
