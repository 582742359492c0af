'use client'

import { useRef } from 'react'
import { timecode } from './review-client'

export interface TScrubMark {
  id: string
  start: number
  end: number | null
  resolved: boolean
  selected: boolean
  title: string
}

/** The timeline: drag to seek; comment pins at their times, ranges as spans; the I/O range being drafted. */
export function ScrubBar({ time, duration, marks, range, onSeek, onMark }: {
  time: number
  duration: number
  marks: TScrubMark[]
  range?: { in: number | null; out: number | null }
  onSeek: (seconds: number) => void
  onMark?: (id: string) => void
}) {
  const track = useRef<HTMLDivElement>(null)
  const pct = (t: number) => `${duration > 0 ? Math.min(100, Math.max(0, (t / duration) * 100)) : 0}%`
  const seekTo = (clientX: number) => {
    const r = track.current?.getBoundingClientRect()
    if (!r || duration <= 0) return
    onSeek(Math.min(1, Math.max(0, (clientX - r.left) / r.width)) * duration)
  }
  return (
    <div
      className="m-scrub"
      ref={track}
      data-testid="scrub-bar"
      role="slider"
      aria-label="Playhead"
      aria-valuemin={0}
      aria-valuemax={duration}
      aria-valuenow={time}
      aria-valuetext={timecode(time)}
      onPointerDown={(e) => {
        if ((e.target as HTMLElement).closest('[data-testid=scrub-pin]')) return
        e.currentTarget.setPointerCapture(e.pointerId)
        seekTo(e.clientX)
      }}
      onPointerMove={(e) => {
        if (e.currentTarget.hasPointerCapture(e.pointerId)) seekTo(e.clientX)
      }}
    >
      <div className="m-scrub-track" />
      <div className="m-scrub-played" style={{ width: pct(time) }} />
      {range?.in != null && <div className="m-scrub-range" style={{ left: pct(range.in), width: range.out != null ? `calc(${pct(range.out)} - ${pct(range.in)})` : 2 }} />}
      {marks.map((m) =>
        m.end !== null ? (
          <button key={m.id} type="button" className={`m-scrub-span${m.resolved ? ' m-pin-resolved' : ''}${m.selected ? ' m-pin-selected' : ''}`} style={{ left: pct(m.start), width: `calc(${pct(m.end)} - ${pct(m.start)})` }} title={m.title} data-testid="scrub-pin" data-thread-id={m.id} onClick={() => onMark?.(m.id)} />
        ) : (
          <button key={m.id} type="button" className={`m-scrub-pin${m.resolved ? ' m-pin-resolved' : ''}${m.selected ? ' m-pin-selected' : ''}`} style={{ left: pct(m.start) }} title={m.title} data-testid="scrub-pin" data-thread-id={m.id} onClick={() => onMark?.(m.id)} />
        ),
      )}
      <div className="m-scrub-head" style={{ left: pct(time) }} />
    </div>
  )
}
