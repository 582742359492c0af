import { createHash, randomUUID } from 'node:crypto'
import { mkdir, open, rm } from 'node:fs/promises'
import path from 'node:path'
import { AppError, AppErrorCode, UPLOAD_LIMITS } from '@montage/core'
import { describeBytes, sniffUpload, type TUploadType } from './sniff-upload'

/** Bytes kept in memory to read an image header from (JPEG puts EXIF before its frame header). */
const HEAD_BYTES = 1024 * 1024
/** Bytes needed before the type can be told. */
const SNIFF_BYTES = 16

export interface TReceivedUpload {
  /** A temp file holding the whole body; the caller moves it into the store or removes it. */
  file: string
  sha256: string
  byteSize: number
  type: TUploadType
  /** The first HEAD_BYTES of the body. */
  head: Uint8Array
}

function megabytes(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MB`
}

function tooLarge(type: TUploadType | null): AppError {
  const limit = type?.maxBytes ?? UPLOAD_LIMITS.videoBytes
  const what = type ? (type.kind === 'image' ? 'Images' : 'Videos') : 'Uploads'
  return new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${what} can be at most ${megabytes(limit)}; this ${type?.label ?? 'file'} is larger.`, { field: 'body' })
}

/**
 * Streams a request body to a temp file while hashing it, never holding more than its head in
 * memory. The type is decided from the first bytes, and the body is cut off as soon as it passes
 * that type's limit. Refusals remove the temp file: nothing is left behind.
 */
export async function receiveUpload(req: Request, tmpDir: string): Promise<TReceivedUpload> {
  const declared = Number(req.headers.get('content-length') ?? '0')
  if (declared > UPLOAD_LIMITS.videoBytes) throw tooLarge(null)
  await mkdir(tmpDir, { recursive: true })
  const file = path.join(tmpDir, randomUUID())
  const handle = await open(file, 'wx', 0o600)
  const hash = createHash('sha256')
  const headChunks: Uint8Array[] = []
  let headSize = 0
  let byteSize = 0
  let type: TUploadType | null = null
  let ok = false
  const reader = req.body?.getReader()
  try {
    for (;;) {
      if (!reader) break
      const { done, value } = await reader.read()
      if (done) break
      byteSize += value.byteLength
      if (headSize < HEAD_BYTES) {
        headChunks.push(value.subarray(0, HEAD_BYTES - headSize))
        headSize += Math.min(value.byteLength, HEAD_BYTES - headSize)
      }
      if (!type && headSize >= SNIFF_BYTES) {
        const head = concat(headChunks, headSize)
        type = sniffUpload(head)
        if (!type) throw notMedia(head)
        if (declared > type.maxBytes) throw tooLarge(type)
      }
      if (type && byteSize > type.maxBytes) throw tooLarge(type)
      hash.update(value)
      await handle.write(value)
    }
    const head = concat(headChunks, headSize)
    if (byteSize === 0) throw new AppError(AppErrorCode.BAD_REQUEST, 'The file is empty (0 bytes).', { field: 'body' })
    type ??= sniffUpload(head)
    if (!type) throw notMedia(head)
    ok = true
    return { file, sha256: hash.digest('hex'), byteSize, type, head }
  } finally {
    await handle.close()
    if (!ok) {
      // Released, not cancelled: the answer must go out before the connection closes (api-error's route).
      reader?.releaseLock()
      await rm(file, { force: true })
    }
  }
}

function notMedia(head: Uint8Array): AppError {
  return new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The file is not a PNG, JPEG, WebP, MP4, MOV or WebM (its bytes are ${describeBytes(head)}).`, { field: 'body' })
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}
