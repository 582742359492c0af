import { Readable } from 'node:stream'
import { AppError, AppErrorCode } from '@montage/core'
import { assetStore } from './context'
import { parseRange } from './range'

export interface ServeAssetOptions {
  sha256: string
  mimeType: string
  withBody: boolean
  /** Cache-Control; signed URLs cache until they expire, the cookie route for a year. */
  cacheControl: string
}

/** Answers with a stored asset, or the byte range `Range` asks for (206), so video seeks work. */
export async function serveAsset(req: Request, opts: ServeAssetOptions): Promise<Response> {
  const store = assetStore()
  const { sha256 } = opts
  if (!(await store.has(sha256))) throw new AppError(AppErrorCode.NOT_FOUND, 'The asset is recorded but its file is missing.')
  const size = await store.size(sha256)
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
