export { createTestCertificates, type TTestCertificates } from './create-test-certificates'
export { readSigningCredentials, SigningCredentialsError, type TSigningCredentials } from './signing-credentials'
export {
  ZProvenanceClaim,
  ZProvenanceApproval,
  ZProvenanceIngredient,
  ZProvenanceOrigin,
  MONTAGE_ASSERTION_LABEL,
  DIGITAL_SOURCE_TYPE,
  type TProvenanceClaim,
  type TParsedProvenanceClaim,
  type TProvenanceApproval,
  type TProvenanceIngredient,
  type TProvenanceOrigin,
} from './provenance-claim'
export type { TMontageAssertionData } from './montage-assertion'
export { signAsset, canEmbedManifest, isBmffFormat, EMBEDDABLE_FORMATS, MAX_EMBED_BYTES, ProvenanceInputError, type SignAssetOptions, type TEmbeddableFormat } from './sign-asset'
export { verifyAsset, loadReferenceReader, type VerifyAssetOptions, type TVerifiedAsset, type TValidationFinding } from './verify-asset'
export { signSidecar, C2PA_SIDECAR_FORMAT, type SignSidecarOptions } from './sign-sidecar'
export { verifySidecar, type VerifySidecarOptions } from './verify-sidecar'
export { ZProvenanceEnv, type TProvenanceEnv } from './provenance-env'
export { loadSigningCredentials, localSignerFiles, type LoadSigningCredentialsOptions } from './load-signing-credentials'
export { signSidecarForDigest } from './sign-sidecar'
export { signBmff, MAX_MOOV_BYTES, type SignBmffOptions, type TSignedBmff, type TBmffFormat } from './sign-bmff'
export { createEntrySigner, type CreateEntrySignerOptions, type TSignableEntry } from './create-entry-signer'
