'use client'

import { useCallback, useEffect, useRef, useState, type RefObject, type SyntheticEvent } from 'react'

/**
 * The URL a <video> plays, given the newest signed URL of its asset. The URL is held once loaded —
 * a refreshed signature would otherwise reload the video and lose the playhead — and taken again
 * only when the held one fails (it expired), resuming at the same time and play state. A URL of
 * another asset replaces it at once.
 */
export function useHeldVideoSrc(current: string | undefined, video: RefObject<HTMLVideoElement | null>) {
  const [held, setHeld] = useState<string | undefined>(current)
  const resume = useRef<{ at: number; playing: boolean } | null>(null)

  useEffect(() => {
    // A first URL, or one of another asset (its path differs; a refresh only changes the query).
    if (current && (!held || pathOf(current) !== pathOf(held))) setHeld(current)
  }, [held, current])

  const onError = useCallback(() => {
    if (!current || current === held) return
    const v = video.current
    resume.current = v ? { at: v.currentTime, playing: !v.paused } : null
    setHeld(current)
  }, [current, held, video])

  const onLoadedMetadata = useCallback((e: SyntheticEvent<HTMLVideoElement>) => {
    const r = resume.current
    resume.current = null
    if (!r) return
    e.currentTarget.currentTime = r.at
    if (r.playing) void e.currentTarget.play().catch(() => {})
  }, [])

  return { src: held, onError, onLoadedMetadata }
}

function pathOf(url: string): string {
  return url.split('?')[0]!
}
