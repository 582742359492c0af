import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { initSync, WasmReader } from '@contentauth/c2pa-wasm'
import { MONTAGE_ASSERTION_LABEL } from './provenance-claim'
import type { TMontageAssertionData } from './montage-assertion'

export interface VerifyAssetOptions {
  bytes: Uint8Array
  /** MIME type of the file, or `application/c2pa` for a sidecar manifest store. */
  format: string
  /** CAs to trust (PEM). Without them the reader validates everything but trust, and says the signer is untrusted. */
  trustAnchorsPem?: string
}

export interface TValidationFinding {
  code: string
  explanation?: string
  url?: string
}

export interface TVerifiedAsset {
  /** The reference reader's verdict: Invalid, Valid (well-formed and intact, signer not on a trust list) or Trusted. */
  state: 'Invalid' | 'Valid' | 'Trusted'
  /** Failure codes of the active manifest, as the reader reports them (e.g. `assertion.dataHash.mismatch`). */
  failures: TValidationFinding[]
  title?: string
  format?: string
  claimGenerator?: string
  signer?: { issuer?: string; commonName?: string }
  actions: { action: string; digitalSourceType?: string; description?: string; softwareAgent?: unknown; ingredientCount: number }[]
  ingredients: { title?: string; format?: string; instanceId?: string; relationship?: string }[]
  montage?: TMontageAssertionData
  /** Every assertion's label, in order. */
  assertionLabels: string[]
  /** The data hash (`c2pa.hash.data`) the manifest binds to, as the reader decoded it; absent for other bindings. */
  dataHash?: { alg: string; hash: Uint8Array; exclusions: unknown[] }
}

/**
 * Reads a file's Content Credentials with the C2PA reference implementation (c2pa-rs built to
 * WebAssembly) and says whether they validate: the signature, the certificate profile, every
 * assertion's hash, and the hard binding to the bytes. The reader takes the whole file as bytes.
 * A file with no manifest is an error saying so.
 */
export async function verifyAsset(opts: VerifyAssetOptions): Promise<TVerifiedAsset> {
  loadReferenceReader()
  const context = opts.trustAnchorsPem ? JSON.stringify({ trust: { trust_anchors: opts.trustAnchorsPem } }) : undefined
  const reader = await WasmReader.fromBytes(opts.format, opts.bytes, context)
  try {
    const store = JSON.parse(reader.json()) as ReaderStore
    const label = store.active_manifest
    const manifest = label ? store.manifests?.[label] : undefined
    if (!manifest) throw new Error('The file carries no active C2PA manifest')
    const failures = store.validation_results?.activeManifest?.failure ?? store.validation_status ?? []
    const assertions = manifest.assertions ?? []
    const actionsData = assertions.find((a) => a.label === 'c2pa.actions.v2' || a.label === 'c2pa.actions')?.data as { actions?: ReaderAction[] } | undefined
    return {
      state: store.validation_state ?? (failures.length ? 'Invalid' : 'Valid'),
      failures: failures.map((f) => ({ code: f.code, explanation: f.explanation, url: f.url })),
      title: manifest.title,
      format: manifest.format,
      claimGenerator: manifest.claim_generator_info?.[0]?.name ?? manifest.claim_generator,
      signer: manifest.signature_info ? { issuer: manifest.signature_info.issuer, commonName: manifest.signature_info.common_name } : undefined,
      actions: (actionsData?.actions ?? []).map((a) => ({
        action: a.action,
        digitalSourceType: a.digitalSourceType,
        description: a.description ?? a.parameters?.description,
        softwareAgent: a.softwareAgent,
        ingredientCount: a.parameters?.ingredients?.length ?? 0,
      })),
      ingredients: (manifest.ingredients ?? []).map((i) => ({ title: i.title, format: i.format, instanceId: i.instance_id, relationship: i.relationship })),
      montage: assertions.find((a) => a.label === MONTAGE_ASSERTION_LABEL)?.data as TMontageAssertionData | undefined,
      assertionLabels: assertions.map((a) => a.label),
      dataHash: readDataHash(reader.crJson(), label!),
    }
  } finally {
    reader.free()
  }
}

/**
 * The WebAssembly module is instantiated once per process (wasm-bindgen keeps the instance in
 * its own module state); every later call reuses it. Synchronous: the .wasm file is read from the
 * installed package, never fetched.
 */
let readerReady = false
export function loadReferenceReader(): void {
  if (readerReady) return
  const require = createRequire(import.meta.url)
  initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) })
  readerReady = true
}

/** The active manifest's `c2pa.hash.data`, from the reader's crJSON (byte strings are written `b64'…'`). */
function readDataHash(crJson: string, label: string): TVerifiedAsset['dataHash'] {
  const doc = JSON.parse(crJson) as { manifests?: { label: string; assertions?: Record<string, { alg?: string; hash?: string; exclusions?: unknown[] }> }[] }
  const data = doc.manifests?.find((m) => m.label === label)?.assertions?.['c2pa.hash.data']
  const b64 = data?.hash?.match(/^b64'(.*)'$/)?.[1]
  if (!data || b64 === undefined) return undefined
  return { alg: data.alg ?? 'sha256', hash: new Uint8Array(Buffer.from(b64, 'base64')), exclusions: data.exclusions ?? [] }
}

interface ReaderAction {
  action: string
  digitalSourceType?: string
  description?: string
  softwareAgent?: unknown
  parameters?: { ingredients?: unknown[]; description?: string }
}
interface ReaderStore {
  active_manifest?: string
  manifests?: Record<
    string,
    {
      title?: string
      format?: string
      claim_generator?: string
      claim_generator_info?: { name?: string }[]
      signature_info?: { issuer?: string; common_name?: string }
      assertions?: { label: string; data?: unknown }[]
      ingredients?: { title?: string; format?: string; instance_id?: string; relationship?: string }[]
    }
  >
  validation_state?: 'Invalid' | 'Valid' | 'Trusted'
  validation_status?: { code: string; explanation?: string; url?: string }[]
  validation_results?: { activeManifest?: { failure?: { code: string; explanation?: string; url?: string }[] } }
}
