import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, pipeline as pipelineCb } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { assertSha256, hashingStream, sha256OfFile } from './sha256'
import { AssetNotFoundError, type AssetStore, type ByteRange, type PresignOptions, type StagedBlob, type StoredAsset } from './types'

export interface S3AssetStoreOptions {
  bucket: string
  region?: string
  /** A non-AWS server (`http://127.0.0.1:9000`); the AWS endpoint for the region when unset. */
  endpoint?: string
  /** The endpoint browsers reach, used only to sign presigned URLs; `endpoint` when unset. */
  publicEndpoint?: string
  forcePathStyle?: boolean
  /** Put before every key (`team-a/`): several deployments can share a bucket. */
  prefix?: string
  /** The AWS SDK's default chain (env, profile, instance role) when unset. */
  credentials?: { accessKeyId: string; secretAccessKey: string }
  /** Multipart part size for streamed writes; 16 MiB by default (S3's minimum is 5 MiB; up to 4 parts in memory at once). */
  partSizeBytes?: number
  /** Where `withLocalFile` downloads blobs; the OS temp folder by default. */
  tmpDir?: string
}

/** S3's limit for one CopyObject; larger objects are copied part by part. */
const MAX_SINGLE_COPY = 5 * 1024 ** 3
const COPY_PART = 1024 ** 3
/** How long a staged blob's `source()` URL lives (the interface promises at least 15 minutes). */
const STAGED_SOURCE_TTL_SECONDS = 3600

/**
 * S3-compatible object storage. Blobs live at `<prefix>assets/<aa>/<sha256>`. Bytes whose hash
 * is not known yet are written to `<prefix>staging/<uuid>` while being hashed, then copied under
 * their name (skipped when the store already has them) and the staging object deleted, so an
 * object under `assets/` never holds other bytes than its name says. A killed process can leave
 * staging objects or unfinished multipart uploads behind: `sweepStale` removes them.
 */
export class S3AssetStore implements AssetStore {
  readonly kind = 's3' as const
  readonly client: S3Client
  readonly bucket: string
  readonly prefix: string
  private readonly presignClient: S3Client
  private readonly partSize: number
  private readonly tmpDir: string

  constructor(options: S3AssetStoreOptions) {
    this.bucket = options.bucket
    this.prefix = options.prefix ?? ''
    this.partSize = options.partSizeBytes ?? 16 * 1024 * 1024
    this.tmpDir = options.tmpDir ?? tmpdir()
    const base = {
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      // Checksums only where S3 requires them: the SDK's default (CRC32 trailers in aws-chunked
      // bodies, `x-amz-checksum-mode` on presigned GETs) is not understood by every
      // S3-compatible server, and the sha256 in each key is our own integrity check.
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    }
    this.client = new S3Client({ ...base, endpoint: options.endpoint })
    this.presignClient = options.publicEndpoint ? new S3Client({ ...base, endpoint: options.publicEndpoint }) : this.client
  }

  /** The key of a blob in the bucket. */
  blobKey(sha256: string): string {
    assertSha256(sha256)
    return `${this.prefix}assets/${sha256.slice(0, 2)}/${sha256}`
  }

  /** Where staged bytes go (listed by `sweepStale`). */
  get stagingPrefix(): string {
    return `${this.prefix}staging/`
  }

  async putBytes(bytes: Uint8Array): Promise<StoredAsset> {
    const digest = createHash('sha256').update(bytes).digest()
    const sha256 = digest.toString('hex')
    // The name is known before anything is written, and a PUT is atomic: no staging needed.
    // The checksum makes S3 refuse the PUT if the bytes it received differ.
    if (!(await this.has(sha256))) {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256), Body: bytes, ContentLength: bytes.byteLength, ChecksumSHA256: digest.toString('base64') }),
      )
    }
    return { sha256, byteSize: bytes.byteLength }
  }

  /**
   * A file's name is known before upload (hashed locally, which costs a read of the file and no
   * round trip), so it goes straight under its sha256: a PUT, or for a large file a multipart
   * upload, is atomic (the object appears whole at completion; an unfinished upload is invisible
   * and swept). This saves the staging copy a stream needs, which on the bench's 200 MB clip was
   * most of the time.
   */
  async putFile(file: string): Promise<StoredAsset> {
    const sha256 = await sha256OfFile(file)
    const { size: byteSize } = await stat(file)
    if (!(await this.has(sha256))) {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: this.blobKey(sha256), Body: createReadStream(file) },
        partSize: this.partSize,
        queueSize: 4,
        leavePartsOnError: false,
      })
      await upload.done()
    }
    await rm(file, { force: true })
    return { sha256, byteSize }
  }

  async putStream(stream: Readable): Promise<StoredAsset> {
    const staged = await this.stage(stream)
    try {
      return await staged.commit()
    } finally {
      await staged.discard()
    }
  }

  async stage(stream: Readable): Promise<StagedBlob> {
    const key = `${this.stagingPrefix}${randomUUID()}`
    const hashing = hashingStream()
    // An error in the source destroys `hashing`, which fails the upload (and aborts its parts).
    pipelineCb(stream, hashing.stream, () => undefined)
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: hashing.stream },
      partSize: this.partSize,
      queueSize: 4,
      leavePartsOnError: false,
    })
    try {
      await upload.done()
    } catch (e) {
      await this.deleteKey(key).catch(() => undefined)
      throw e
    }
    const sha256 = hashing.sha256()
    const byteSize = hashing.byteSize()
    let committed: Promise<StoredAsset> | undefined
    return {
      sha256,
      byteSize,
      source: () => getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: STAGED_SOURCE_TTL_SECONDS }),
      read: (range?: ByteRange) => this.getBody(key, range, () => new Error('The staged bytes are gone (discarded or swept).')),
      commit: () =>
        (committed ??= (async () => {
          await this.copyInto(key, sha256, byteSize)
          await this.deleteKey(key)
          return { sha256, byteSize }
        })()),
      discard: () => this.deleteKey(key),
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.head(this.blobKey(sha256))) !== null
  }

  async size(sha256: string): Promise<number> {
    const found = await this.head(this.blobKey(sha256))
    if (!found) throw new AssetNotFoundError(sha256)
    return found.size
  }

  async read(sha256: string, range?: ByteRange): Promise<Readable> {
    return this.getBody(this.blobKey(sha256), range, () => new AssetNotFoundError(sha256))
  }

  async withLocalFile<T>(sha256: string, fn: (file: string) => Promise<T>): Promise<T> {
    const body = await this.read(sha256)
    await mkdir(this.tmpDir, { recursive: true })
    const dir = await mkdtemp(path.join(this.tmpDir, 'montage-asset-'))
    try {
      const file = path.join(dir, sha256)
      await pipeline(body, createWriteStream(file))
      return await fn(file)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async presignGet(sha256: string, options: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.blobKey(sha256),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.downloadName === undefined ? undefined : attachment(options.downloadName),
    })
    return getSignedUrl(this.presignClient, command, { expiresIn: options.expiresInSeconds, signingDate: options.signedAt })
  }

  async delete(sha256: string): Promise<void> {
    await this.deleteKey(this.blobKey(sha256))
  }

  async sweepStale(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs
    let removed = 0
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.stagingPrefix, ContinuationToken: token }))
      for (const object of page.Contents ?? []) {
        if (!object.Key || !object.LastModified || object.LastModified.getTime() >= cutoff) continue
        await this.deleteKey(object.Key)
        removed++
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)

    let keyMarker: string | undefined
    let uploadIdMarker: string | undefined
    for (;;) {
      const page = await this.client
        .send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }))
        // gofakes3 answers NoSuchUpload for a bucket that never had a multipart upload; S3 lists none.
        .catch((e: unknown) => {
          if ((e as { name?: string }).name === 'NoSuchUpload') return { Uploads: [], IsTruncated: false, NextKeyMarker: undefined, NextUploadIdMarker: undefined }
          throw e
        })
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() >= cutoff) continue
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }))
        removed++
      }
      if (!page.IsTruncated) break
      keyMarker = page.NextKeyMarker
      uploadIdMarker = page.NextUploadIdMarker
    }
    return removed
  }

  private async head(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return { size: out.ContentLength ?? 0 }
    } catch (e) {
      if (isNotFound(e)) return null
      throw e
    }
  }

  private async getBody(key: string, range: ByteRange | undefined, missing: () => Error): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      )
      // In Node the SDK's body is the HTTP response stream itself.
      return (out.Body as Readable | undefined) ?? Readable.from([])
    } catch (e) {
      if (isNotFound(e)) throw missing()
      throw e
    }
  }

  /** Copies a staging object under its sha256, unless the store already holds those bytes. */
  private async copyInto(sourceKey: string, sha256: string, byteSize: number): Promise<void> {
    if (await this.has(sha256)) return
    const Key = this.blobKey(sha256)
    const CopySource = `${this.bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`
    if (byteSize <= MAX_SINGLE_COPY) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key, CopySource }))
      return
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key }))
    try {
      const parts: { ETag?: string; PartNumber: number }[] = []
      for (let start = 0, PartNumber = 1; start < byteSize; start += COPY_PART, PartNumber++) {
        const end = Math.min(start + COPY_PART, byteSize) - 1
        const out = await this.client.send(
          new UploadPartCopyCommand({ Bucket: this.bucket, Key, UploadId, PartNumber, CopySource, CopySourceRange: `bytes=${start}-${end}` }),
        )
        parts.push({ ETag: out.CopyPartResult?.ETag, PartNumber })
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }))
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })).catch(() => undefined)
      throw e
    }
  }

  private async deleteKey(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } }
  if (err?.name === 'NoSuchBucket') return false
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404
}

/** `Content-Disposition: attachment` for a file name of any characters (RFC 6266 `filename*`). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
