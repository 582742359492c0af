import { Readable } from 'node:stream'
import { AppError, AppErrorCode, ZSha256 } from '@montage/core'
import { getAsset, listMemberships, type TAssetRow } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { assetStore, db } from '@/lib/server/context'
import { parseRange } from '@/lib/server/range'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ sha256: string }> }

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
  const store = assetStore()
  if (!(await store.has(sha256))) throw new AppError(AppErrorCode.NOT_FOUND, 'The asset is recorded but its file is missing.')
  const size = await store.size(sha256)
  const headers = new Headers({
    'Content-Type': asset.mimeType,
    'Accept-Ranges': 'bytes',
    // Content-addressed: the bytes behind a sha never change.
    'Cache-Control': 'private, max-age=31536000, immutable',
    ETag: `"${sha256}"`,
  })
  const range = parseRange(req.headers.get('range'), size)
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`)
    return new Response(null, { status: 416, headers })
  }
  const body = (r?: { start: number; end: number }) =>
    withBody ? (Readable.toWeb(store.read(sha256, r)) as unknown as ReadableStream<Uint8Array>) : null
  if (range.kind === 'range') {
    headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
    headers.set('Content-Length', String(range.end - range.start + 1))
    return new Response(body({ start: range.start, end: range.end }), { status: 206, headers })
  }
  headers.set('Content-Length', String(size))
  return new Response(body(), { status: 200, headers })
}

export const GET = route<Ctx>((req, ctx) => serve(req, ctx, true))
export const HEAD = route<Ctx>((req, ctx) => serve(req, ctx, false))
