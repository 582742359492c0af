/**
 * Signing only, without the reference reader (its WebAssembly stays out of a server bundle that
 * never verifies): what web imports.
 */
export { readSigningCredentials, SigningCredentialsError, type TSigningCredentials } from './signing-credentials'
export { loadSigningCredentials, localSignerFiles, type LoadSigningCredentialsOptions } from './load-signing-credentials'
export { ZProvenanceClaim, MONTAGE_ASSERTION_LABEL, type TProvenanceClaim, type TProvenanceIngredient, type TProvenanceApproval } from './provenance-claim'
export { signAsset, canEmbedManifest, isBmffFormat, EMBEDDABLE_FORMATS, MAX_EMBED_BYTES, ProvenanceInputError, type TEmbeddableFormat } from './sign-asset'
export { signSidecar, C2PA_SIDECAR_FORMAT } from './sign-sidecar'
export { signSidecarForDigest } from './sign-sidecar'
export { signBmff, MAX_MOOV_BYTES, type SignBmffOptions, type TSignedBmff, type TBmffFormat } from './sign-bmff'
export { createEntrySigner, type CreateEntrySignerOptions, type TSignableEntry } from './create-entry-signer'
