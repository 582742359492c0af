import type { TAssetView } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'

/** The asset id behind bytes a board card shows: cards carry the sha256, the library wants asset ids. */
export async function assetIdOf(boardId: string, sha256: string): Promise<string> {
  const query = new URLSearchParams({ boardId, sha256 })
  const { asset } = await requestJson<{ asset: TAssetView }>(`/api/assets/lookup?${query.toString()}`)
  return asset.id
}
