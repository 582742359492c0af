'use client'

import { useState, type PointerEvent } from 'react'
import { stopEventPropagation } from 'tldraw'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { stripFrameAt } from './strip-frame-at'

interface Props {
  posterSha256: string
  stripSha256: string
  stripFrames: number
  /** What plays on click: the web proxy, or the original when there is none. */
  videoSha256: string
  label: string
  /** Play somewhere else (the caller swaps in its own player) instead of in place. */
  onPlay?: () => void
}

/**
 * A clip's poster; moving the pointer across it shows the thumbnail-strip frame under the pointer
 * (a CSS background offset into the one strip image, so scrubbing loads nothing) with a playhead.
 * The play button swaps in the video.
 */
export function HoverScrub({ posterSha256, stripSha256, stripFrames, videoSha256, label, onPlay }: Props) {
  const [at, setAt] = useState<number | null>(null)
  const [playing, setPlaying] = useState(false)
  const posterUrl = useAssetUrl(posterSha256)
  const stripUrl = useAssetUrl(stripSha256)
  const videoUrl = useAssetUrl(videoSha256)

  if (playing && videoUrl) {
    return (
      <video
        className="m-hscrub-video"
        data-testid="media-video"
        src={videoUrl}
        poster={posterUrl}
        autoPlay
        controls
        muted
        playsInline
        onPointerDown={stopEventPropagation}
        onEnded={() => setPlaying(false)}
      />
    )
  }

  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect()
    if (rect.width > 0) setAt(Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)))
  }
  const frame = at === null || stripFrames < 1 ? null : stripFrameAt(at, stripFrames)

  return (
    <div className="m-hscrub" data-testid="scrub" data-frame={frame ?? ''} onPointerMove={onMove} onPointerLeave={() => setAt(null)}>
      {posterUrl ? <img src={posterUrl} alt={label} draggable={false} /> : <div className="m-media-state">No poster</div>}
      {frame !== null && stripUrl && (
        <div
          className="m-hscrub-strip"
          data-testid="scrub-strip"
          style={{
            backgroundImage: `url(${stripUrl})`,
            backgroundSize: `${stripFrames * 100}% 100%`,
            backgroundPosition: `${stripFrames > 1 ? (frame / (stripFrames - 1)) * 100 : 0}% 0%`,
          }}
        />
      )}
      {at !== null && <div className="m-hscrub-playhead" style={{ left: `${at * 100}%` }} />}
      {videoUrl && (
        <button className="m-hscrub-play" aria-label={`Play ${label}`} data-testid="media-play" onPointerDown={stopEventPropagation} onClick={() => (onPlay ? onPlay() : setPlaying(true))}>
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden>
            <path d="M3 1.5v11l9.5-5.5z" fill="currentColor" />
          </svg>
        </button>
      )}
    </div>
  )
}
