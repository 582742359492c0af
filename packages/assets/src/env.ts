import { z } from 'zod'

const ZUrl = (name: string) =>
  z
    .string()
    .min(1)
    .refine((v) => /^https?:\/\/[^/\s]+/.test(v) && URL.canParse(v), { message: `${name} must be an http(s) URL such as http://127.0.0.1:9000` })
    .optional()

/**
 * Which asset store a process uses, from its environment. Processes add these to their own
 * schema (`ZAssetStoreEnv.safeExtend({...})`, which keeps the S3 checks) or parse them alone.
 */
export const ZAssetStoreEnv = z
  .object({
    /** `local` (the default: `$DATA_DIR/assets`) or `s3`. */
    ASSET_STORE: z.enum(['local', 's3'], { error: 'ASSET_STORE must be local or s3' }).default('local'),
    S3_BUCKET: z.string().min(1).optional(),
    S3_ENDPOINT: ZUrl('S3_ENDPOINT'),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: z
      .enum(['0', '1'], { error: 'S3_FORCE_PATH_STYLE must be 1 (path-style URLs) or 0' })
      .default('0')
      .transform((v) => v === '1'),
    S3_PREFIX: z
      .string()
      .regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, 'S3_PREFIX must be empty or end with / (such as team-a/), of letters, digits and !_.*\'()-')
      .default(''),
    S3_PUBLIC_ENDPOINT: ZUrl('S3_PUBLIC_ENDPOINT'),
  })
  .superRefine((env, ctx) => {
    if (env.ASSET_STORE !== 's3') return
    if (!env.S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'S3_BUCKET is required when ASSET_STORE=s3' })
    if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
      const missing = env.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'
      ctx.addIssue({ code: 'custom', path: [missing], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together (or neither, for the AWS default credential chain)' })
    }
  })
export type TAssetStoreEnv = z.infer<typeof ZAssetStoreEnv>
