'use client'

import { useCallback, useEffect, useState, type RefObject } from 'react'
import { FPS } from './review-client'

export interface TPlayer {
  time: number
  duration: number
  paused: boolean
  ready: boolean
  toggle(): void
  pause(): void
  seek(seconds: number): void
  /** Moves by whole frames from the frame the playhead is on. */
  step(frames: number): void
}

/** Playback state of a <video>, with the playhead followed every animation frame while playing. */
export function usePlayer(ref: RefObject<HTMLVideoElement | null>, fallbackDuration = 0): TPlayer {
  const [time, setTime] = useState(0)
  const [duration, setDuration] = useState(fallbackDuration)
  const [paused, setPaused] = useState(true)
  const [ready, setReady] = useState(false)

  useEffect(() => {
    const v = ref.current
    if (!v) return
    let raf = 0
    const tick = () => {
      setTime(v.currentTime)
      if (!v.paused) raf = requestAnimationFrame(tick)
    }
    const onMeta = () => {
      if (Number.isFinite(v.duration) && v.duration > 0) setDuration(v.duration)
      setReady(true)
      setTime(v.currentTime)
    }
    const onPlay = () => {
      setPaused(false)
      cancelAnimationFrame(raf)
      raf = requestAnimationFrame(tick)
    }
    const onPause = () => {
      setPaused(true)
      setTime(v.currentTime)
    }
    const onSeeked = () => setTime(v.currentTime)
    if (v.readyState >= 1) onMeta()
    v.addEventListener('loadedmetadata', onMeta)
    v.addEventListener('play', onPlay)
    v.addEventListener('pause', onPause)
    v.addEventListener('seeked', onSeeked)
    v.addEventListener('timeupdate', onSeeked)
    return () => {
      cancelAnimationFrame(raf)
      v.removeEventListener('loadedmetadata', onMeta)
      v.removeEventListener('play', onPlay)
      v.removeEventListener('pause', onPause)
      v.removeEventListener('seeked', onSeeked)
      v.removeEventListener('timeupdate', onSeeked)
    }
  }, [ref])

  const seek = useCallback(
    (seconds: number) => {
      const v = ref.current
      if (!v) return
      const end = Number.isFinite(v.duration) && v.duration > 0 ? v.duration : duration
      v.currentTime = Math.min(Math.max(0, seconds), end || seconds)
      setTime(v.currentTime)
    },
    [ref, duration],
  )

  return {
    time,
    duration,
    paused,
    ready,
    toggle() {
      const v = ref.current
      if (!v) return
      if (v.paused) void v.play().catch(() => {})
      else v.pause()
    },
    pause() {
      ref.current?.pause()
    },
    seek,
    step(frames) {
      const v = ref.current
      if (!v) return
      v.pause()
      seek((Math.round(v.currentTime * FPS) + frames) / FPS)
    },
  }
}

export interface TBox {
  left: number
  top: number
  width: number
  height: number
}

/** Where a frame of that aspect ratio sits inside the container (object-fit: contain). */
export function useFittedBox(ref: RefObject<HTMLElement | null>, aspect: number): TBox | null {
  const [box, setBox] = useState<TBox | null>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => {
      const cw = el.clientWidth
      const ch = el.clientHeight
      if (!cw || !ch) return
      const width = Math.min(cw, ch * aspect)
      const height = width / aspect
      setBox({ left: (cw - width) / 2, top: (ch - height) / 2, width, height })
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [ref, aspect])
  return box
}
