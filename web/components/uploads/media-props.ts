import type { TAssetView } from '@montage/core'
import type { TReferenceProps } from '@montage/board/client'

/** Widest side of a media card as it lands on the board. */
export const MEDIA_CARD_MAX = 280

/** The card's size for media of these dimensions (the placeholder's while they are unknown). */
export function mediaCardSize(width: number | null, height: number | null): { w: number; h: number } {
  if (!width || !height) return { w: MEDIA_CARD_MAX, h: Math.round((MEDIA_CARD_MAX * 9) / 16) }
  const scale = Math.min(1, MEDIA_CARD_MAX / Math.max(width, height))
  return { w: Math.max(40, Math.round(width * scale)), h: Math.max(40, Math.round(height * scale)) }
}

/** What a board card shows of an uploaded asset: the shape props the upload answer fills in. */
export function mediaPropsFromAsset(asset: TAssetView): Partial<TReferenceProps> {
  return {
    assetSha256: asset.sha256,
    mimeType: asset.mimeType,
    ingest: asset.ingest,
    posterSha256: asset.posterSha256 ?? '',
    stripSha256: asset.stripSha256 ?? '',
    stripFrames: asset.stripFrames ?? 0,
    proxySha256: asset.proxySha256 ?? '',
    ...mediaCardSizeOf(asset),
  }
}

/** The card size for an asset whose dimensions are known; nothing while they are not (a clip before its probe). */
export function mediaCardSizeOf(asset: Pick<TAssetView, 'width' | 'height'>): { w?: number; h?: number } {
  return asset.width && asset.height ? mediaCardSize(asset.width, asset.height) : {}
}
