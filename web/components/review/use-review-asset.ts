'use client'

import type { RefObject } from 'react'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { useHeldVideoSrc } from '@/lib/client/use-held-video-src'
import type { TReviewApi } from './review-client'

/**
 * The URL a review <video> plays: members get the board's short-lived signed URL, guests the link's
 * route; held across signature refreshes (useHeldVideoSrc).
 */
export function useReviewVideoSrc(api: Pick<TReviewApi, 'assetSrc' | 'signed'>, sha256: string, video: RefObject<HTMLVideoElement | null>) {
  const signed = useAssetUrl(api.signed ? sha256 : null)
  return useHeldVideoSrc(api.signed ? signed : api.assetSrc?.(sha256), video)
}

/** A poster: a refreshed URL only re-fetches a still image, so no holding. */
export function useReviewPosterSrc(api: Pick<TReviewApi, 'assetSrc' | 'signed'>, sha256: string): string | undefined {
  const signed = useAssetUrl(api.signed && sha256 ? sha256 : null)
  if (!sha256) return undefined
  return api.signed ? signed : api.assetSrc?.(sha256)
}
