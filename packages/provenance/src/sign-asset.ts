import { Readable } from 'node:stream'
import { JPEG, PNG, type Asset } from '@trustnxt/c2pa-ts/asset'
import { DataHashAssertion } from '@trustnxt/c2pa-ts/manifest'
import { buildManifest } from './build-manifest'
import { ZProvenanceClaim, type TProvenanceClaim } from './provenance-claim'
import { ProvenanceInputError } from './provenance-input-error'
import { signBmff, type TBmffFormat } from './sign-bmff'
import type { TSigningCredentials } from './signing-credentials'

export { ProvenanceInputError }

/** Formats a manifest is embedded in; everything else gets a sidecar (`signSidecar`). */
export const EMBEDDABLE_FORMATS = ['image/jpeg', 'image/png', 'video/mp4', 'video/quicktime'] as const
export type TEmbeddableFormat = (typeof EMBEDDABLE_FORMATS)[number]

export function canEmbedManifest(format: string): format is TEmbeddableFormat {
  return (EMBEDDABLE_FORMATS as readonly string[]).includes(format)
}

export function isBmffFormat(format: string): format is TBmffFormat {
  return format === 'video/mp4' || format === 'video/quicktime'
}

/**
 * The largest still we embed into. c2pa-ts signs a JPEG or PNG as one buffer (it rebuilds the file
 * around the new segment or chunk), so embedding holds the image and its signed copy at once; past
 * this, callers use a sidecar, which is hashed as a stream. MP4 and MOV have no such limit: they
 * are signed as streams (`signBmff`).
 */
export const MAX_EMBED_BYTES = 64 * 1024 * 1024

export interface SignAssetOptions {
  bytes: Uint8Array
  format: TEmbeddableFormat
  claim: TProvenanceClaim
  credentials: TSigningCredentials
}

/**
 * The file with its Content Credentials embedded: a C2PA manifest saying what made it (actions,
 * ingredients) and the approvals behind it (`com.montage.approvals`), hard-bound to the bytes
 * (a data hash for JPEG/PNG, a BMFF hash for MP4/MOV), signed with `credentials`. An existing
 * manifest in the file is replaced. The claim is checked first; a bad one signs nothing.
 */
export async function signAsset(opts: SignAssetOptions): Promise<Uint8Array> {
  const claim = ZProvenanceClaim.parse(opts.claim)
  if (isBmffFormat(opts.format)) {
    const bytes = Buffer.from(opts.bytes.buffer, opts.bytes.byteOffset, opts.bytes.byteLength)
    const signed = await signBmff({ open: async () => Readable.from([bytes]), format: opts.format, claim, credentials: opts.credentials })
    const out = new Uint8Array(signed.byteSize)
    let at = 0
    for await (const chunk of await signed.open()) {
      out.set(chunk as Buffer, at)
      at += (chunk as Buffer).length
    }
    return out
  }
  if (opts.bytes.byteLength > MAX_EMBED_BYTES) {
    throw new ProvenanceInputError(`The file is ${opts.bytes.byteLength} bytes; manifests are embedded in files up to ${MAX_EMBED_BYTES} bytes (use a sidecar)`)
  }
  const { store, manifest } = buildManifest(claim, opts.format, opts.credentials)
  const asset: Asset & { ensureManifestSpace(n: number): Promise<void>; writeManifestJUMBF(b: Uint8Array): Promise<void> } =
    opts.format === 'image/jpeg' ? readAs(JPEG, opts.bytes, 'JPEG') : readAs(PNG, opts.bytes, 'PNG')
  const hash = DataHashAssertion.create('SHA-256')
  manifest.addAssertion(hash)
  await asset.ensureManifestSpace(store.measureSize())
  await hash.updateWithAsset(asset)
  await manifest.sign(opts.credentials.signer)
  await asset.writeManifestJUMBF(store.getBytes())
  // The asset's own buffer, assembled anew when the manifest's space was made (never the caller's
  // bytes): returned as it is, since a copy would hold the file a third time while signing.
  return asset.getDataRange()
}

function readAs<T>(Kind: { new (b: Uint8Array): T; canRead(b: Uint8Array): boolean }, bytes: Uint8Array, name: string): T {
  if (!Kind.canRead(bytes)) throw new ProvenanceInputError(`The file is not a readable ${name}`)
  return new Kind(bytes)
}
