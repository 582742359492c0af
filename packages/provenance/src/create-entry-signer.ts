import { createHash } from 'node:crypto'
import { Readable, Transform } from 'node:stream'
import type { TProvenanceClaim } from './provenance-claim'
import { canEmbedManifest, isBmffFormat, MAX_EMBED_BYTES, ProvenanceInputError, signAsset } from './sign-asset'
import { signBmff } from './sign-bmff'
import { C2PA_SIDECAR_FORMAT, signSidecarForDigest } from './sign-sidecar'
import type { TSigningCredentials } from './signing-credentials'

/** A file on its way into an archive, opened only when the archive reaches it (the shape of `@montage/delivery`'s `TPackageEntry`). */
export interface TSignableEntry {
  path: string
  mimeType: string
  sha256?: string
  /** Its size when known: an image over `MAX_EMBED_BYTES` gets a sidecar instead of being read whole. */
  byteSize?: number
  open(): Promise<Readable>
}

export interface CreateEntrySignerOptions<E extends TSignableEntry> {
  credentials: TSigningCredentials
  /** What the entry's manifest says; null leaves it as it is (a file that should carry none). */
  claimFor(entry: E): TProvenanceClaim | null | Promise<TProvenanceClaim | null>
  /**
   * Runs each embedding (an image read whole and its signed copy made; a video's layout and hash
   * passes): a process bounds how many it runs at once across all its archives and downloads.
   * Runs at once without one.
   */
  embedding?<T>(sign: () => Promise<T>): Promise<T>
}

/**
 * Content Credentials for files written in order into an archive (the delivery package's
 * `signEntry` seam). An MP4 or MOV is signed as a stream when the archive opens it (`signBmff`
 * reads it three times and holds only its `moov`), whatever its size. A JPEG or PNG is read whole
 * (c2pa-ts signs stills as buffers), up to `MAX_EMBED_BYTES`; one whose `byteSize` says it is
 * larger is treated as any other format, so the archive never fails half way on it. Any other file passes through untouched while its
 * sha256 is taken as it streams, and a `<path>.c2pa` sidecar follows it, signed once the archive
 * has written the file (so the file is opened once and never held).
 */
export function createEntrySigner<E extends TSignableEntry>(opts: CreateEntrySignerOptions<E>): (entry: E) => Promise<E[]> {
  return async (entry) => {
    const claim = await opts.claimFor(entry)
    if (!claim) return [entry]
    const embedding = opts.embedding ?? (<T>(sign: () => Promise<T>) => sign())
    if (isBmffFormat(entry.mimeType)) {
      const format = entry.mimeType
      return [
        {
          ...entry,
          byteSize: undefined,
          open: async () => {
            const signed = await embedding(() => signBmff({ open: () => entry.open(), format, claim, credentials: opts.credentials, what: entry.path }))
            return signed.open()
          },
        },
      ]
    }
    if (canEmbedManifest(entry.mimeType) && (entry.byteSize === undefined || entry.byteSize <= MAX_EMBED_BYTES)) {
      const format = entry.mimeType
      return [
        {
          ...entry,
          byteSize: undefined,
          open: async () => {
            const signed = await embedding(async () => signAsset({ bytes: await readWhole(await entry.open(), MAX_EMBED_BYTES, entry.path, entry.byteSize), format, claim, credentials: opts.credentials }))
            return Readable.from([Buffer.from(signed.buffer, signed.byteOffset, signed.byteLength)])
          },
        },
      ]
    }
    let digest: Promise<Uint8Array> | undefined
    const passThrough: E = {
      ...entry,
      open: async () => {
        const source = await entry.open()
        const sha = createHash('sha256')
        let settle!: { resolve(d: Uint8Array): void; reject(e: unknown): void }
        digest = new Promise((resolve, reject) => (settle = { resolve, reject }))
        // Hashes each chunk on its way to the archive; the digest is known once the file has passed.
        const tap = new Transform({
          transform(chunk: Buffer, _enc, done) {
            sha.update(chunk)
            done(null, chunk)
          },
          flush(done) {
            settle.resolve(new Uint8Array(sha.digest()))
            done()
          },
        })
        source.on('error', (e) => {
          settle.reject(e)
          tap.destroy(e)
        })
        return source.pipe(tap)
      },
    }
    const sidecar: E = {
      ...entry,
      path: `${entry.path}.c2pa`,
      mimeType: C2PA_SIDECAR_FORMAT,
      sha256: undefined,
      byteSize: undefined,
      open: async () => {
        if (!digest) throw new Error(`The sidecar of ${entry.path} was opened before the file itself; write entries in order`)
        const bytes = await signSidecarForDigest({ sha256: await digest, format: entry.mimeType, claim, credentials: opts.credentials })
        return Readable.from([Buffer.from(bytes)])
      },
    }
    return [passThrough, sidecar]
  }
}

/**
 * The whole file in one buffer, refused past `max` bytes. When its size is known the buffer is
 * allocated once and filled as chunks arrive, so the file is held once rather than as chunks plus
 * their concatenation (a 50 MB clip peaked at twice its size more).
 */
async function readWhole(stream: Readable, max: number, what: string, byteSize?: number): Promise<Uint8Array> {
  const tooLarge = () => {
    stream.destroy()
    return new ProvenanceInputError(`${what} is larger than ${max} bytes, the most signed in memory`)
  }
  if (byteSize !== undefined) {
    if (byteSize > max) throw tooLarge()
    // Its own ArrayBuffer at offset 0 (a small Buffer would share Node's pool), as c2pa-ts may assume.
    const whole = new Uint8Array(byteSize)
    let at = 0
    for await (const chunk of stream) {
      const c = chunk as Buffer
      if (at + c.length > byteSize) {
        stream.destroy()
        throw new ProvenanceInputError(`${what} is longer than the ${byteSize} bytes the store said`)
      }
      whole.set(c, at)
      at += c.length
    }
    if (at !== byteSize) throw new ProvenanceInputError(`${what} ended at ${at} of the ${byteSize} bytes the store said`)
    return whole
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > max) throw tooLarge()
    chunks.push(chunk as Buffer)
  }
  const whole = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    whole.set(c, at)
    at += c.length
  }
  return whole
}
