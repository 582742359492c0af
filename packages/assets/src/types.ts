import type { Readable } from 'node:stream'

/** A blob in the store: named by the sha256 of its bytes. */
export interface StoredAsset {
  sha256: string
  byteSize: number
}

/** An inclusive byte range, as HTTP `Range: bytes=start-end` asks. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Bytes received but not yet in the store under their name (an upload being checked). Nothing a
 * reader can find by sha256 exists until `commit`; `discard` leaves nothing behind.
 */
export interface StagedBlob extends StoredAsset {
  /**
   * Where ffmpeg/ffprobe can read the staged bytes: a local path (local store) or a presigned
   * `http(s)` URL (S3), valid for at least 15 minutes.
   */
  source(): Promise<string>
  /** Reads a range of the staged bytes (the MP4 box walk reads headers this way). */
  read(range?: ByteRange): Promise<Readable>
  /** Moves the bytes under their sha256 (a no-op copy when the store already holds them). */
  commit(): Promise<StoredAsset>
  /** Removes the staged bytes. Safe to call after `commit` or twice. */
  discard(): Promise<void>
}

export interface PresignOptions {
  /** Seconds the URL stays valid, counted from `signedAt`. */
  expiresInSeconds: number
  /** The instant the URL is signed at (default: now); with it a caller fixes the exact expiry. */
  signedAt?: Date
  /** The Content-Type the store should answer with (S3's `response-content-type`). */
  contentType?: string
  /** A file name for `Content-Disposition: attachment` (downloads). */
  downloadName?: string
}

/**
 * The content-addressed asset store. Every process reads and writes media only through it: the
 * local folder (`LocalAssetStore`, the embedded default) or S3-compatible object storage
 * (`S3AssetStore`). A reader never sees a half-written blob under its name in either.
 */
export interface AssetStore {
  readonly kind: 'local' | 's3'
  putBytes(bytes: Uint8Array): Promise<StoredAsset>
  /** Stores a file already on disk (an encoder's output) and removes the original. */
  putFile(file: string): Promise<StoredAsset>
  putStream(stream: Readable): Promise<StoredAsset>
  /** Receives a stream without naming it yet: checked first, then committed or discarded. */
  stage(stream: Readable): Promise<StagedBlob>
  has(sha256: string): Promise<boolean>
  /** The blob's size in bytes; an `AssetNotFoundError` when it is not there. */
  size(sha256: string): Promise<number>
  /** Reads the blob or a range of it; an `AssetNotFoundError` when it is not there. */
  read(sha256: string, range?: ByteRange): Promise<Readable>
  /**
   * Runs `fn` with a local file holding the blob (ffmpeg reads it): the blob itself for the local
   * store, a temp copy for S3, removed when `fn` settles. `AssetNotFoundError` when missing.
   */
  withLocalFile<T>(sha256: string, fn: (file: string) => Promise<T>): Promise<T>
  /** A URL a browser may fetch directly (S3: presigned GET, ranges work), or null when the store has none (local: web serves the bytes). */
  presignGet(sha256: string, options: PresignOptions): Promise<string | null>
  delete(sha256: string): Promise<void>
  /** Removes staged bytes and unfinished multipart uploads older than `olderThanMs` (left by a killed process). Returns how many. */
  sweepStale(olderThanMs: number): Promise<number>
}

export class AssetNotFoundError extends Error {
  override name = 'AssetNotFoundError'
  constructor(readonly sha256: string) {
    super(`Asset ${sha256.slice(0, 12)}… is not in the asset store.`)
  }
}
