import { createHash } from 'node:crypto'
import { Readable, Transform } from 'node:stream'
import type { TProvenanceClaim } from './provenance-claim'
import { canEmbedManifest, MAX_EMBED_BYTES, ProvenanceInputError, signAsset } from './sign-asset'
import { C2PA_SIDECAR_FORMAT, signSidecarForDigest } from './sign-sidecar'
import type { TSigningCredentials } from './signing-credentials'

/** A file on its way into an archive, opened only when the archive reaches it (the shape of `@montage/delivery`'s `TPackageEntry`). */
export interface TSignableEntry {
  path: string
  mimeType: string
  sha256?: string
  open(): Promise<Readable>
}

export interface CreateEntrySignerOptions<E extends TSignableEntry> {
  credentials: TSigningCredentials
  /** What the entry's manifest says; null leaves it as it is (a file that should carry none). */
  claimFor(entry: E): TProvenanceClaim | null | Promise<TProvenanceClaim | null>
}

/**
 * Content Credentials for files written in order into an archive (the delivery package's
 * `signEntry` seam). A JPEG, PNG, MP4 or MOV is signed when the archive opens it (read whole, up to
 * `MAX_EMBED_BYTES`: c2pa-ts signs buffers). Any other file passes through untouched while its
 * sha256 is taken as it streams, and a `<path>.c2pa` sidecar follows it, signed once the archive
 * has written the file (so the file is opened once and never held).
 */
export function createEntrySigner<E extends TSignableEntry>(opts: CreateEntrySignerOptions<E>): (entry: E) => Promise<E[]> {
  return async (entry) => {
    const claim = await opts.claimFor(entry)
    if (!claim) return [entry]
    if (canEmbedManifest(entry.mimeType)) {
      const format = entry.mimeType
      return [
        {
          ...entry,
          open: async () => {
            const bytes = await readWhole(await entry.open(), MAX_EMBED_BYTES, entry.path)
            return Readable.from([await signAsset({ bytes, format, claim, credentials: opts.credentials })])
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
      open: async () => {
        if (!digest) throw new Error(`The sidecar of ${entry.path} was opened before the file itself; write entries in order`)
        const bytes = await signSidecarForDigest({ sha256: await digest, format: entry.mimeType, claim, credentials: opts.credentials })
        return Readable.from([Buffer.from(bytes)])
      },
    }
    return [passThrough, sidecar]
  }
}

async function readWhole(stream: Readable, max: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > max) {
      stream.destroy()
      throw new ProvenanceInputError(`${what} is larger than ${max} bytes, the most signed in memory`)
    }
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks, size))
}
