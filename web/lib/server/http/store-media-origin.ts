import type { AssetStore } from '@montage/assets'

/**
 * The origin browsers load media from when the store hands out its own URLs (S3: the presigned
 * URLs' host, `S3_PUBLIC_ENDPOINT` or the bucket's endpoint), read from a URL it signs, so the
 * page's policy allows exactly where `/api/media` redirects to; null for the local folder store.
 */
export async function storeMediaOrigin(store: AssetStore): Promise<string | null> {
  if (store.kind !== 's3') return null
  const url = await store.presignGet('0'.repeat(64), { expiresInSeconds: 60 })
  return url ? new URL(url).origin : null
}
