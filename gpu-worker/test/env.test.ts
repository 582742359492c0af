import { EnvError, parseEnv } from '@montage/core'
import { describe, expect, it } from 'vitest'
import { ZGpuWorkerEnv } from '../src/env'

describe('the gpu-worker environment', () => {
  it('takes the asset store variables, with their checks', () => {
    expect(parseEnv(ZGpuWorkerEnv, { DATA_DIR: '/d' })).toMatchObject({ ASSET_STORE: 'local', DATA_DIR: '/d' })
    expect(parseEnv(ZGpuWorkerEnv, { DATA_DIR: '/d', ASSET_STORE: 's3', S3_BUCKET: 'media', S3_FORCE_PATH_STYLE: '1' })).toMatchObject({
      ASSET_STORE: 's3',
      S3_BUCKET: 'media',
      S3_FORCE_PATH_STYLE: true,
    })
    expect(() => parseEnv(ZGpuWorkerEnv, { DATA_DIR: '/d', ASSET_STORE: 's3' })).toThrow(new EnvError('Invalid environment:\n  S3_BUCKET: S3_BUCKET is required when ASSET_STORE=s3'))
    expect(() => parseEnv(ZGpuWorkerEnv, { DATA_DIR: '/d', ASSET_STORE: 's3', S3_BUCKET: 'media', S3_ENDPOINT: '127.0.0.1:9000' })).toThrow(/S3_ENDPOINT: S3_ENDPOINT must be an http\(s\) URL/)
  })
})
