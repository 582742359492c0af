'use client'

import { useEffect, useRef, useState, type SyntheticEvent } from 'react'
import { stopEventPropagation } from 'tldraw'
import { claimPlayback } from '@/lib/client/card-playback'
import { playbackSha256 } from '@/lib/client/playback-sha256'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { useHeldVideoSrc } from '@/lib/client/use-held-video-src'
import { HoverScrub } from '@/components/uploads/HoverScrub'
import '@/components/uploads/uploads.css'

interface Props {
  assetSha256: string
  /** The ≤720p web proxy of a larger output; '' when the output plays as it is. */
  proxySha256: string
  posterSha256: string
  stripSha256: string
  stripFrames: number
  label: string
}

/**
 * A finished variation's clip: it plays (muted, looping) as it lands on the board; once someone
 * pauses it, it leaves the screen, or newer cards take the board's few playing places
 * (`claimPlayback`), the card shows its poster and scrubs through the thumbnail strip under the
 * pointer, with a play button to go back. Clips without a strip (older ones) keep the video. What plays is
 * the web proxy when there is one: a 4K upscale streamed whole to a 320 px card is wasted bandwidth.
 */
export function VariationPlayer({ assetSha256, proxySha256, posterSha256, stripSha256, stripFrames, label }: Props) {
  const [playing, setPlaying] = useState(true)
  const playSha256 = playbackSha256({ assetSha256, proxySha256 })
  const video = useRef<HTMLVideoElement>(null)
  // Held across signature refreshes, so a playing card does not restart every few minutes.
  const media = useHeldVideoSrc(useAssetUrl(playSha256), video)
  const posterUrl = useAssetUrl(posterSha256)
  const canScrub = !!stripSha256 && stripFrames > 0

  // A clip without a strip keeps its video element and is only paused.
  useEffect(() => {
    if (!playing) return
    return claimPlayback(() => (canScrub ? setPlaying(false) : video.current?.pause()))
  }, [playing, canScrub])
  useEffect(() => {
    const el = video.current
    if (!playing || !el || typeof IntersectionObserver === 'undefined') return
    const seen = new IntersectionObserver(([entry]) => {
      if (entry && !entry.isIntersecting) {
        if (canScrub) setPlaying(false)
        else el.pause()
      }
    })
    seen.observe(el)
    return () => seen.disconnect()
  }, [playing, canScrub])

  if (!playing && canScrub) {
    return <HoverScrub posterSha256={posterSha256} stripSha256={stripSha256} stripFrames={stripFrames} videoSha256={playSha256} label={label} onPlay={() => setPlaying(true)} />
  }

  // Only a pause a person asked for: a hidden tab or a detached element also pauses the video.
  const onPause = (e: SyntheticEvent<HTMLVideoElement>) => {
    const v = e.currentTarget
    if (canScrub && v.isConnected && !v.ended && document.visibilityState === 'visible') setPlaying(false)
  }

  return (
    <video
      ref={video}
      data-testid="variation-video"
      src={media.src}
      onError={media.onError}
      onLoadedMetadata={media.onLoadedMetadata}
      poster={posterUrl}
      controls
      muted
      loop
      autoPlay
      playsInline
      onPointerDown={stopEventPropagation}
      onPause={onPause}
    />
  )
}
