'use client'

import { useCallback, useEffect, useRef, useState, type RefObject, type SyntheticEvent } from 'react'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import type { TReviewApi } from './review-client'

/**
 * The URL a review <video> plays. Members get the board's short-lived signed URL; guests the link's
 * route. The URL is held once loaded — a refreshed signature would otherwise reload the video and
 * lose the playhead — and taken again only if the held one fails (it expired), at the same time.
 */
export function useReviewVideoSrc(api: Pick<TReviewApi, 'assetSrc' | 'signed'>, sha256: string, video: RefObject<HTMLVideoElement | null>) {
  const signed = useAssetUrl(api.signed ? sha256 : null)
  const current = api.signed ? signed : api.assetSrc?.(sha256)
  const [held, setHeld] = useState<string | undefined>(current)
  const resumeAt = useRef<number | null>(null)

  useEffect(() => {
    if (!held && current) setHeld(current)
  }, [held, current])

  const onError = useCallback(() => {
    if (!current || current === held) return
    resumeAt.current = video.current?.currentTime ?? null
    setHeld(current)
  }, [current, held, video])

  const onLoadedMetadata = useCallback((e: SyntheticEvent<HTMLVideoElement>) => {
    if (resumeAt.current !== null) e.currentTarget.currentTime = resumeAt.current
    resumeAt.current = null
  }, [])

  return { src: held, onError, onLoadedMetadata }
}

/** A poster: a refreshed URL only re-fetches a still image, so no holding. */
export function useReviewPosterSrc(api: Pick<TReviewApi, 'assetSrc' | 'signed'>, sha256: string): string | undefined {
  const signed = useAssetUrl(api.signed && sha256 ? sha256 : null)
  if (!sha256) return undefined
  return api.signed ? signed : api.assetSrc?.(sha256)
}
