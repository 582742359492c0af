import { Readable } from 'node:stream'
import { AppError, AppErrorCode } from '@montage/core'
import { AssetNotFoundError } from '@montage/assets'
import { assetStore } from './context'
import { parseRange } from './range'

export interface ServeAssetOptions {
  sha256: string
  mimeType: string
  withBody: boolean
  /** Cache-Control of the bytes when web serves them; signed URLs cache until they expire, the cookie route not at all. */
  cacheControl: string
  /**
   * When the store can hand out its own URL (S3), the latest moment (unix seconds) it may stay
   * valid: the caller's grant never outlives itself through a redirect.
   */
  notAfter: number
}

/** Shortest life of a presigned URL: a clip's first range requests must get through. */
const MIN_PRESIGN_SECONDS = 1

/**
 * Answers with a stored asset. An object store answers `302` to a presigned GET of the blob
 * (typed as the asset row says; range requests go straight to the store), never cached, so every
 * load is authorised again here (a HEAD is answered by web from the store's metadata). The local folder store is served by web: the bytes, or the byte
 * range `Range` asks for (206), so video seeks work.
 */
export async function serveAsset(req: Request, opts: ServeAssetOptions): Promise<Response> {
  const store = assetStore()
  const { sha256 } = opts
  const missing = () => new AppError(AppErrorCode.NOT_FOUND, 'The asset is recorded but its file is missing.')
  // A HEAD is answered here: a presigned URL is signed for GET only.
  if (store.kind === 's3' && opts.withBody) {
    // Signed at a whole second, so the bucket's URL expires exactly when ours does.
    const now = Math.floor(Date.now() / 1000)
    const url = await store.presignGet(sha256, {
      expiresInSeconds: Math.max(MIN_PRESIGN_SECONDS, opts.notAfter - now),
      signedAt: new Date(now * 1000),
      contentType: opts.mimeType,
    })
    if (url) {
      return new Response(null, {
        status: 302,
        headers: { Location: url, 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' },
      })
    }
  }
  let size: number
  try {
    size = await store.size(sha256)
  } catch (e) {
    if (e instanceof AssetNotFoundError) throw missing()
    throw e
  }
  const headers = new Headers({
    'Content-Type': opts.mimeType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': opts.cacheControl,
    // Content-addressed: the bytes behind a sha never change.
    ETag: `"${sha256}"`,
    'X-Content-Type-Options': 'nosniff',
  })
  const range = parseRange(req.headers.get('range'), size)
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`)
    return new Response(null, { status: 416, headers })
  }
  const body = async (r?: { start: number; end: number }) =>
    opts.withBody ? (Readable.toWeb(await store.read(sha256, r)) as unknown as ReadableStream<Uint8Array>) : null
  if (range.kind === 'range') {
    headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
    headers.set('Content-Length', String(range.end - range.start + 1))
    return new Response(await body({ start: range.start, end: range.end }), { status: 206, headers })
  }
  headers.set('Content-Length', String(size))
  return new Response(await body(), { status: 200, headers })
}
