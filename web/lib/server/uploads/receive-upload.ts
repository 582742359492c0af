import { Readable } from 'node:stream'
import { AppError, AppErrorCode, UPLOAD_LIMITS } from '@montage/core'
import type { AssetStore, StagedBlob } from '@montage/assets'
import { IsoBoxWalker } from './check-iso-boxes'
import { describeBytes, id3v2Length, sniffUpload, type TUploadType } from './sniff-upload'

/** Bytes kept in memory to read an image header from (JPEG puts EXIF before its frame header). */
const HEAD_BYTES = 1024 * 1024
/** Bytes needed before the type can be told. */
const SNIFF_BYTES = 16

export interface TReceivedUpload {
  /** The whole body, staged in the asset store (hashed on the way): the caller commits or discards it. */
  staged: StagedBlob
  type: TUploadType
  /** The first HEAD_BYTES of the body. */
  head: Uint8Array
}

function megabytes(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MB`
}

function tooLarge(type: TUploadType | null): AppError {
  const limit = type?.maxBytes ?? UPLOAD_LIMITS.videoBytes
  const what = type ? { image: 'Images', video: 'Videos', audio: 'Sounds' }[type.kind] : 'Uploads'
  return new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `${what} can be at most ${megabytes(limit)}; this ${type?.label ?? 'file'} is larger.`, { field: 'body' })
}

const isIso = (type: TUploadType) => type.mimeType === 'video/mp4' || type.mimeType === 'video/quicktime' || type.mimeType === 'audio/mp4'

/**
 * Streams a request body into the store's staging area (a temp file of the local store, or the
 * bucket's `staging/`, so web never holds the file) while checking it, with no more than its head
 * in memory. The type is decided from the first bytes, the body is cut off as soon as it passes
 * that type's limit, and an MP4/MOV's top-level boxes are walked as they pass. A refusal leaves
 * nothing staged: the store's `stage` fails with the stream and removes what it had received.
 */
export async function receiveUpload(req: Request, store: AssetStore): Promise<TReceivedUpload> {
  const declared = Number(req.headers.get('content-length') ?? '0')
  if (declared > UPLOAD_LIMITS.videoBytes) throw tooLarge(null)
  const headChunks: Uint8Array[] = []
  let headSize = 0
  let byteSize = 0
  let type: TUploadType | null = null
  const boxes = new IsoBoxWalker()
  let refusal: AppError | null = null
  let finished = false
  // The 4 bytes after a leading ID3 tag, gathered as they stream past (the tag may outgrow the head).
  const afterTag: number[] = []
  /** Where a leading ID3 tag ends (0: none), read once from its 10-byte header. */
  let tagEnd: number | undefined
  const gatherAfterTag = (chunk: Uint8Array, chunkStart: number) => {
    if (tagEnd === undefined && headSize >= 10) tagEnd = id3v2Length(concat(headChunks, headSize).subarray(0, 10))
    if (!tagEnd) return
    for (let at = Math.max(tagEnd + afterTag.length, chunkStart); at < tagEnd + 4 && at < chunkStart + chunk.byteLength; at++) afterTag.push(chunk[at - chunkStart]!)
  }
  const sniff = () => sniffUpload(concat(headChunks, headSize), Uint8Array.from(afterTag))
  const reader = req.body?.getReader()

  const refuse = (e: AppError): never => {
    refusal = e
    throw e
  }
  async function* checkedBody(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (!reader) break
        const { done, value } = await reader.read()
        if (done) break
        const chunkStart = byteSize
        byteSize += value.byteLength
        if (headSize < HEAD_BYTES) {
          headChunks.push(value.subarray(0, HEAD_BYTES - headSize))
          headSize += Math.min(value.byteLength, HEAD_BYTES - headSize)
        }
        boxes.push(value)
        if (!type) gatherAfterTag(value, chunkStart)
        if (!type && headSize >= SNIFF_BYTES) {
          const sniffed = sniff()
          if (sniffed === null) refuse(notMedia(concat(headChunks, headSize)))
          else if (sniffed) type = sniffed
          // Still inside a leading ID3 tag: no tag is worth more than a whole sound.
          else if (byteSize > UPLOAD_LIMITS.audioBytes) refuse(tooLarge(null))
          if (type && declared > type.maxBytes) refuse(tooLarge(type))
        }
        if (type && byteSize > type.maxBytes) refuse(tooLarge(type))
        if (type && isIso(type) && boxes.problem) boxes.finish(byteSize, type)
        yield value
      }
      if (byteSize === 0) refuse(new AppError(AppErrorCode.BAD_REQUEST, 'The file is empty (0 bytes).', { field: 'body' }))
      const head = concat(headChunks, headSize)
      // Undefined here means the file ended inside its ID3 tag: no audio at all.
      type ??= sniff() ?? refuse(notMedia(head))
      if (isIso(type)) boxes.finish(byteSize, type)
      finished = true
    } catch (e) {
      if (e instanceof AppError) refusal ??= e
      throw e
    } finally {
      // Released, not cancelled: the answer must go out before the connection closes (api-error's route).
      if (!finished) reader?.releaseLock()
    }
  }

  let staged: StagedBlob
  try {
    staged = await store.stage(Readable.from(checkedBody(), { objectMode: false }))
  } catch (e) {
    throw refusal ?? e
  }
  if (!finished || !type) {
    await staged.discard()
    throw refusal ?? new Error('The upload stream ended before it was checked.')
  }
  return { staged, type, head: concat(headChunks, headSize) }
}

function notMedia(head: Uint8Array): AppError {
  return new AppError(AppErrorCode.UNSUPPORTED_MEDIA, `The file is not a PNG, JPEG, WebP, MP4, MOV, WebM, WAV, MP3, AAC or M4A (its bytes are ${describeBytes(head)}).`, { field: 'body' })
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
