import { createHash } from 'node:crypto'
import { C2PA_SIDECAR_FORMAT } from './sign-sidecar'
import { verifyAsset, type TVerifiedAsset } from './verify-asset'

export interface VerifySidecarOptions {
  /** The `.c2pa` manifest store. */
  sidecar: Uint8Array
  /** The file it describes, as a stream. */
  file: AsyncIterable<Uint8Array>
  trustAnchorsPem?: string
}

const DATA_HASH_MISMATCH = 'assertion.dataHash.mismatch'

/**
 * Verifies a sidecar against its file. The reference reader (WebAssembly build 0.15) reads a
 * manifest store alone (`application/c2pa`) and validates its signature, certificate and every
 * assertion's hash, but it is not given the file (c2pa-rs's reader from manifest data plus a
 * stream is not exported to JavaScript), so it checks the data hash against the store's own bytes
 * and reports `assertion.dataHash.mismatch`. That one finding is replaced here by the check it
 * could not make: the file's sha256, streamed, against the hash the reader decoded from the
 * manifest. Any other failure stands.
 */
export async function verifySidecar(opts: VerifySidecarOptions): Promise<TVerifiedAsset & { fileMatches: boolean }> {
  const read = await verifyAsset({ bytes: opts.sidecar, format: C2PA_SIDECAR_FORMAT, trustAnchorsPem: opts.trustAnchorsPem })
  const bound = read.dataHash
  const sha = createHash('sha256')
  for await (const chunk of opts.file) sha.update(chunk)
  const actual = sha.digest()
  const fileMatches = !!bound && bound.alg === 'sha256' && bound.exclusions.length === 0 && Buffer.from(bound.hash).equals(actual)
  const others = read.failures.filter((f) => f.code !== DATA_HASH_MISMATCH)
  const failures = fileMatches ? others : [...others, { code: DATA_HASH_MISMATCH, explanation: 'the file does not match the sidecar’s data hash' }]
  const untrustedOnly = failures.every((f) => f.code === 'signingCredential.untrusted')
  const state: TVerifiedAsset['state'] = failures.length === 0 ? 'Trusted' : untrustedOnly ? 'Valid' : 'Invalid'
  return { ...read, failures, state, fileMatches }
}
