import { BMFF, JPEG, PNG, type Asset } from '@trustnxt/c2pa-ts/asset'
import { BMFFHashAssertion, DataHashAssertion } from '@trustnxt/c2pa-ts/manifest'
import { buildManifest } from './build-manifest'
import { relocateChunkOffsets } from './mp4-chunk-offsets'
import { ZProvenanceClaim, type TProvenanceClaim } from './provenance-claim'
import type { TSigningCredentials } from './signing-credentials'

/** Formats a manifest is embedded in; everything else gets a sidecar (`signSidecar`). */
export const EMBEDDABLE_FORMATS = ['image/jpeg', 'image/png', 'video/mp4', 'video/quicktime'] as const
export type TEmbeddableFormat = (typeof EMBEDDABLE_FORMATS)[number]

export function canEmbedManifest(format: string): format is TEmbeddableFormat {
  return (EMBEDDABLE_FORMATS as readonly string[]).includes(format)
}

/**
 * The largest file we embed into. c2pa-ts works on the whole file as one buffer (it rebuilds the
 * container around the new box), so embedding holds the file and its signed copy in memory at
 * once; past this, callers use a sidecar, which is hashed as a stream.
 */
export const MAX_EMBED_BYTES = 512 * 1024 * 1024

export interface SignAssetOptions {
  bytes: Uint8Array
  format: TEmbeddableFormat
  claim: TProvenanceClaim
  credentials: TSigningCredentials
}

export class ProvenanceInputError extends Error {
  override name = 'ProvenanceInputError'
}

/**
 * The file with its Content Credentials embedded: a C2PA manifest saying what made it (actions,
 * ingredients) and the approvals behind it (`com.montage.approvals`), hard-bound to the bytes
 * (a data hash for JPEG/PNG, a BMFF hash for MP4/MOV), signed with `credentials`. An existing
 * manifest in the file is replaced. The claim is checked first; a bad one signs nothing.
 */
export async function signAsset(opts: SignAssetOptions): Promise<Uint8Array> {
  const claim = ZProvenanceClaim.parse(opts.claim)
  if (opts.bytes.byteLength > MAX_EMBED_BYTES) {
    throw new ProvenanceInputError(`The file is ${opts.bytes.byteLength} bytes; manifests are embedded in files up to ${MAX_EMBED_BYTES} bytes (use a sidecar)`)
  }
  const { store, manifest } = buildManifest(claim, opts.format, opts.credentials)
  if (opts.format === 'video/mp4' || opts.format === 'video/quicktime') {
    const hash = BMFFHashAssertion.createV3('jumbf manifest', 'SHA-256')
    manifest.addAssertion(hash)
    const asset = openBmff(opts.bytes)
    await asset.ensureManifestSpace(store.measureSize())
    // The new box sits after ftyp: move the sample tables' offsets with the data, then hash.
    // getDataRange() with no range is the asset's own buffer, so this patches what gets hashed and written.
    relocateChunkOffsets(opts.bytes, await asset.getDataRange())
    await hash.updateWithAsset(asset)
    return finish(asset)
  }
  const asset: Asset & { ensureManifestSpace(n: number): Promise<void>; writeManifestJUMBF(b: Uint8Array): Promise<void> } =
    opts.format === 'image/jpeg' ? readAs(JPEG, opts.bytes, 'JPEG') : readAs(PNG, opts.bytes, 'PNG')
  const hash = DataHashAssertion.create('SHA-256')
  manifest.addAssertion(hash)
  await asset.ensureManifestSpace(store.measureSize())
  await hash.updateWithAsset(asset)
  return finish(asset)

  async function finish(asset: Asset & { writeManifestJUMBF(b: Uint8Array): Promise<void> }): Promise<Uint8Array> {
    await manifest.sign(opts.credentials.signer)
    await asset.writeManifestJUMBF(store.getBytes())
    // The asset's own buffer, assembled anew when the manifest's space was made (never the caller's
    // bytes): returned as it is, since a copy would hold the file a third time while signing.
    return asset.getDataRange()
  }
}

function readAs<T>(Kind: { new (b: Uint8Array): T; canRead(b: Uint8Array): boolean }, bytes: Uint8Array, name: string): T {
  if (!Kind.canRead(bytes)) throw new ProvenanceInputError(`The file is not a readable ${name}`)
  return new Kind(bytes)
}

/**
 * c2pa-ts 0.9.4 opens only HEIF brands, though its box handling is the ISO BMFF every MP4 and
 * MOV shares (its chunk offsets are ours to move: see `relocateChunkOffsets`). The brands we sign are
 * added to its list here, once; the set is the library's own.
 */
function openBmff(bytes: Uint8Array): BMFF {
  const brands = (BMFF as unknown as { canReadBrands: Set<string> }).canReadBrands
  for (const b of MP4_BRANDS) brands.add(b)
  return readAs(BMFF, bytes, 'MP4/MOV')
}
const MP4_BRANDS = ['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'qt  ']
