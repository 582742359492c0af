import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { AppError, AppErrorCode } from '@montage/core'
import { AssetNotFoundError } from '@montage/assets'
import { findSignedDownload, getAssetProvenance, recordSignedDownload, type Sql, type TAssetRow } from '@montage/db'
import { C2PA_SIDECAR_FORMAT, canEmbedManifest, isBmffFormat, MAX_EMBED_BYTES, ProvenanceInputError, signAsset, signBmff, signSidecar, type TProvenanceClaim } from '@montage/provenance/sign'
import { assetStore, signingCredentials, signingGate } from '../context'
import { attachment, downloadFileName } from './download-file-name'
import { provenanceClaimForAsset } from './provenance-claim-for-asset'

export interface ServeDownloadOptions {
  sql: Sql
  asset: TAssetRow
  workspaceId: string
  boardId: string
  withBody: boolean
  /** The `.c2pa` manifest store of the file instead of the file. */
  sidecar: boolean
}

/** Bumped when what a manifest says changes shape, so earlier signed copies are not served for it. */
const MANIFEST_VERSION = 1

/**
 * A file as it leaves Montage: with its Content Credentials embedded (MP4 and MOV of any size,
 * signed as streams; JPEG and PNG up to `MAX_EMBED_BYTES`, signed in memory), as an attachment
 * with a name to keep. The signed copy is a blob of the asset store, written as it is made, found
 * again by the source's sha256 and a key of what the manifest says (the claim and the signer), so
 * a repeat is a lookup and a stream; a new decision on the variation makes a new copy. Other
 * formats (WebM, WebP, audio), larger stills and an MP4 that cannot take it in place (an index past
64 MiB) are served as stored, and their
 * manifest is a sidecar (`?sidecar=1`, named `<file>.c2pa`), hashed from the store as a stream.
 */
export async function serveDownload(opts: ServeDownloadOptions): Promise<Response> {
  const { sql, asset } = opts
  const store = assetStore()
  const provenance = await getAssetProvenance(sql, { boardId: opts.boardId, sha256: asset.sha256 })
  const claim = await provenanceClaimForAsset(sql, { asset, provenance, workspaceId: opts.workspaceId, boardId: opts.boardId })
  const fileName = downloadFileName(asset, provenance)
  const credentials = await signingCredentials()
  const embeddable = isBmffFormat(asset.mimeType) || (canEmbedManifest(asset.mimeType) && asset.byteSize <= MAX_EMBED_BYTES)
  const missing = () => new AppError(AppErrorCode.NOT_FOUND, 'The asset is recorded but its file is missing.')
  const read = async (sha256: string) => {
    try {
      return await store.read(sha256)
    } catch (e) {
      if (e instanceof AssetNotFoundError) throw missing()
      throw e
    }
  }

  if (opts.sidecar) {
    const bytes = await signSidecar({ file: await read(asset.sha256), format: asset.mimeType, claim, credentials })
    return respond({ body: opts.withBody ? bytes : null, size: bytes.byteLength, mimeType: C2PA_SIDECAR_FORMAT, fileName: `${fileName}.c2pa` })
  }
  if (!embeddable) {
    const size = await sizeOf(asset.sha256)
    return respond({ body: opts.withBody ? await read(asset.sha256) : null, size, mimeType: asset.mimeType, fileName, credentials: 'sidecar' })
  }
  const manifestKey = createHash('sha256').update(JSON.stringify({ v: MANIFEST_VERSION, claim: stable(claim), signer: credentials.chainPem })).digest('hex')
  const key = { workspaceId: opts.workspaceId, sourceSha256: asset.sha256, manifestKey }
  const kept = async () => {
    const found = await findSignedDownload(sql, key)
    return found && (await store.has(found.signedSha256)) ? found : null
  }
  let signed = await kept()
  if (!signed) {
    signed = await signingGate().run(async () => {
      // Another request may have signed the same copy while this one waited for the gate.
      const meanwhile = await kept()
      if (meanwhile) return meanwhile
      const stored = await signCopy()
      return stored && recordSignedDownload(sql, { ...key, signedSha256: stored.sha256, byteSize: stored.byteSize })
    })
  }
  if (!signed) {
    // A file whose container cannot take the manifest in place: as stored, with its sidecar.
    const size = await sizeOf(asset.sha256)
    return respond({ body: opts.withBody ? await read(asset.sha256) : null, size, mimeType: asset.mimeType, fileName, credentials: 'sidecar' })
  }
  return respond({ body: opts.withBody ? await read(signed.signedSha256) : null, size: signed.byteSize, mimeType: asset.mimeType, fileName, credentials: 'embedded' })

  /** The signed copy, put in the store as it is written; null when the file cannot carry its manifest in place. */
  async function signCopy(): Promise<{ sha256: string; byteSize: number } | null> {
    const format = asset.mimeType
    if (isBmffFormat(format)) {
      try {
        const copy = await signBmff({ open: () => read(asset.sha256), format, claim, credentials, what: fileName })
        return await store.putStream(await copy.open())
      } catch (e) {
        if (e instanceof ProvenanceInputError) return null
        throw e
      }
    }
    const source = await collect(await read(asset.sha256), MAX_EMBED_BYTES)
    return store.putBytes(await signAsset({ bytes: source, format: format as Parameters<typeof signAsset>[0]['format'], claim, credentials }))
  }

  async function sizeOf(sha256: string): Promise<number> {
    try {
      return await store.size(sha256)
    } catch (e) {
      if (e instanceof AssetNotFoundError) throw missing()
      throw e
    }
  }
}

function respond(r: { body: Uint8Array | Readable | null; size: number; mimeType: string; fileName: string; credentials?: 'embedded' | 'sidecar' }): Response {
  const headers = new Headers({
    'Content-Type': r.mimeType,
    'Content-Length': String(r.size),
    'Content-Disposition': attachment(r.fileName),
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  // Says where the file's Content Credentials are: in it, or in the sidecar beside it.
  if (r.credentials) headers.set('X-Content-Credentials', r.credentials)
  const body = r.body instanceof Readable ? (Readable.toWeb(r.body) as unknown as ReadableStream<Uint8Array>) : r.body ? new Blob([r.body as Uint8Array<ArrayBuffer>]).stream() : null
  return new Response(body, { status: 200, headers })
}

/** The whole stream in one buffer (c2pa-ts signs stills as buffers), refused past `max` bytes. */
async function collect(stream: Readable, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > max) {
      stream.destroy()
      throw new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${max} bytes, the most signed in memory.`)
    }
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks, size))
}

/** The claim with its keys sorted, so the same manifest always hashes to the same key. */
function stable(value: TProvenanceClaim | unknown): unknown {
  if (Array.isArray(value)) return value.map(stable)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, stable(v)]))
  return value
}
