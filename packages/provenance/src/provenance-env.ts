import { z } from 'zod'

/**
 * The signing identity's variables, for every process that signs files. Both or neither: with
 * neither, a test CA and signer are generated into `<DATA_DIR>/c2pa` on first use (the local
 * stack); a deployment gives its own pair from a Secret.
 */
export const ZProvenanceEnv = z
  .object({
    /** PEM: the signing certificate first, then its issuing CA(s) (the reference reader refuses a self-signed signer). */
    C2PA_SIGNING_CERT_FILE: z.string().min(1, 'must be a file path').optional(),
    /** PEM private key of that certificate (EC P-256, P-384 or P-521; PKCS#8 or SEC1). */
    C2PA_SIGNING_KEY_FILE: z.string().min(1, 'must be a file path').optional(),
  })
  .superRefine((env, ctx) => {
    if (!!env.C2PA_SIGNING_CERT_FILE !== !!env.C2PA_SIGNING_KEY_FILE) {
      const missing = env.C2PA_SIGNING_CERT_FILE ? 'C2PA_SIGNING_KEY_FILE' : 'C2PA_SIGNING_CERT_FILE'
      ctx.addIssue({ code: 'custom', path: [missing], message: 'set C2PA_SIGNING_CERT_FILE and C2PA_SIGNING_KEY_FILE together (or neither, for a generated test signer)' })
    }
  })
export type TProvenanceEnv = z.infer<typeof ZProvenanceEnv>
