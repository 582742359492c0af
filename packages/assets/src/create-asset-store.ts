import path from 'node:path'
import type { TAssetStoreEnv } from './env'
import { LocalAssetStore } from './LocalAssetStore'
import { S3AssetStore } from './S3AssetStore'
import type { AssetStore } from './types'

export type TCreateAssetStoreEnv = TAssetStoreEnv & {
  /** The local store lives in `$DATA_DIR/assets`; S3's local copies for ffmpeg go to `$DATA_DIR/tmp/assets`. */
  DATA_DIR: string
}

/** The store a process's environment asks for (parsed with `ZAssetStoreEnv`). */
export function createAssetStore(env: TCreateAssetStoreEnv): AssetStore {
  if (env.ASSET_STORE === 'local') return new LocalAssetStore(path.join(env.DATA_DIR, 'assets'))
  if (!env.S3_BUCKET) throw new Error('S3_BUCKET is required when ASSET_STORE=s3')
  return new S3AssetStore({
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    prefix: env.S3_PREFIX,
    tmpDir: path.join(env.DATA_DIR, 'tmp', 'assets'),
    credentials: env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } : undefined,
  })
}
