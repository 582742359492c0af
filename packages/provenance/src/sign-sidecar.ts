import { createHash } from 'node:crypto'
import { DataHashAssertion } from '@trustnxt/c2pa-ts/manifest'
import { buildManifest } from './build-manifest'
import { ZProvenanceClaim, type TProvenanceClaim } from './provenance-claim'
import type { TSigningCredentials } from './signing-credentials'

/** MIME type of a standalone manifest store (`<file>.c2pa`). */
export const C2PA_SIDECAR_FORMAT = 'application/c2pa'

export interface SignSidecarOptions {
  /** The file's bytes, as a stream: only its hash is kept, so any size passes through. */
  file: AsyncIterable<Uint8Array>
  /** MIME type of the file the sidecar describes. */
  format: string
  claim: TProvenanceClaim
  credentials: TSigningCredentials
}

/**
 * A `.c2pa` manifest store for a file whose format cannot carry one (an OTIO, FCPXML or EDL
 * timeline, a manifest JSON, a WAV) or is too large to embed into in memory. Its hard binding is a
 * data hash over the whole file with no exclusions, computed as the file streams past.
 */
export async function signSidecar(opts: SignSidecarOptions): Promise<Uint8Array> {
  const sha = createHash('sha256')
  for await (const chunk of opts.file) sha.update(chunk)
  return signSidecarForDigest({ sha256: new Uint8Array(sha.digest()), format: opts.format, claim: opts.claim, credentials: opts.credentials })
}

/** The same sidecar for a file whose sha256 is already known (hashed as it streamed elsewhere). */
export async function signSidecarForDigest(opts: { sha256: Uint8Array; format: string; claim: TProvenanceClaim; credentials: TSigningCredentials }): Promise<Uint8Array> {
  const claim = ZProvenanceClaim.parse(opts.claim)
  if (opts.sha256.byteLength !== 32) throw new Error('A sidecar binds to a 32-byte sha256 digest')
  const { store, manifest } = buildManifest(claim, opts.format, opts.credentials)
  const hash = DataHashAssertion.create('SHA-256', 0)
  hash.name = 'jumbf manifest'
  hash.exclusions = []
  hash.hash = opts.sha256
  manifest.addAssertion(hash)
  await manifest.sign(opts.credentials.signer)
  return store.getBytes()
}
