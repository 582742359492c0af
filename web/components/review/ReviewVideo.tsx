'use client'

import type { RefObject } from 'react'
import { playbackSha256 } from '@/lib/client/playback-sha256'
import type { TReviewApi } from './review-client'
import { useReviewPosterSrc, useReviewVideoSrc } from './use-review-asset'
import type { TViewerVariation } from './viewer-variation'

interface Props {
  variation: TViewerVariation
  api: Pick<TReviewApi, 'assetSrc' | 'signed'>
  videoRef: RefObject<HTMLVideoElement | null>
  testId: string
  /** The clip's width / height, once its metadata is in. */
  onAspect?: (aspect: number) => void
  onClick?: () => void
}

/**
 * A variation's clip in review (viewer and compare): its web proxy when it has one, a URL held
 * across re-signing, the poster until it plays; muted, driven by the review's own controls.
 */
export function ReviewVideo({ variation, api, videoRef, testId, onAspect, onClick }: Props) {
  const media = useReviewVideoSrc(api, playbackSha256(variation), videoRef)
  const poster = useReviewPosterSrc(api, variation.posterSha256)
  return (
    <video
      ref={videoRef}
      data-testid={testId}
      src={media.src}
      poster={poster}
      preload="auto"
      muted
      playsInline
      onError={media.onError}
      onLoadedMetadata={(e) => {
        media.onLoadedMetadata(e)
        const el = e.currentTarget
        if (el.videoWidth && el.videoHeight) onAspect?.(el.videoWidth / el.videoHeight)
      }}
      onClick={onClick}
    />
  )
}
