'use client'

import { useState, type SyntheticEvent } from 'react'
import { stopEventPropagation } from 'tldraw'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { HoverScrub } from '@/components/uploads/HoverScrub'
import '@/components/uploads/uploads.css'

interface Props {
  assetSha256: string
  posterSha256: string
  stripSha256: string
  stripFrames: number
  label: string
}

/**
 * A finished variation's clip: it plays (muted, looping) as it lands on the board; once someone
 * pauses it, the card shows its poster and scrubs through the thumbnail strip under the pointer,
 * with a play button to go back. Clips without a strip (older ones, hosted outputs) keep the video.
 */
export function VariationPlayer({ assetSha256, posterSha256, stripSha256, stripFrames, label }: Props) {
  const [playing, setPlaying] = useState(true)
  const videoUrl = useAssetUrl(assetSha256)
  const posterUrl = useAssetUrl(posterSha256)
  const canScrub = !!stripSha256 && stripFrames > 0

  if (!playing && canScrub) {
    return <HoverScrub posterSha256={posterSha256} stripSha256={stripSha256} stripFrames={stripFrames} videoSha256={assetSha256} label={label} onPlay={() => setPlaying(true)} />
  }

  // Only a pause a person asked for: a hidden tab or a detached element also pauses the video.
  const onPause = (e: SyntheticEvent<HTMLVideoElement>) => {
    const v = e.currentTarget
    if (canScrub && v.isConnected && !v.ended && document.visibilityState === 'visible') setPlaying(false)
  }

  return (
    <video
      data-testid="variation-video"
      src={videoUrl}
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
