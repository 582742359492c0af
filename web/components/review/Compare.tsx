'use client'

import { useEffect, useRef, useState } from 'react'
import { ScrubBar } from './ScrubBar'
import { usePlayer, useFittedBox } from './player'
import { FPS, shortTime, timecode } from './review-client'
import { ReviewStateBadge } from './ReviewStateBadge'
import type { TViewerVariation } from './viewer-variation'
import type { TReviewApi } from './review-client'
import { ReviewVideo } from './ReviewVideo'
import { useFocusTrap } from '@/lib/client/use-focus-trap'
import { VersionTag } from './VersionTag'

type TAssetApi = Pick<TReviewApi, 'assetSrc' | 'signed'>

/**
 * Two variations against each other, side by side or as an A/B wipe over one frame. A leads;
 * B follows A's playhead, nudged back whenever it drifts by more than a frame.
 */
export function Compare({ a, b, api, onClose }: { a: TViewerVariation; b: TViewerVariation; api: TAssetApi; onClose: () => void }) {
  const va = useRef<HTMLVideoElement>(null)
  const vb = useRef<HTMLVideoElement>(null)
  const player = usePlayer(va, a.durationSeconds)
  const [mode, setMode] = useState<'side' | 'wipe'>('side')
  const [wipe, setWipe] = useState(0.5)
  const [aspect, setAspect] = useState(16 / 9)
  const stage = useRef<HTMLDivElement>(null)
  const layer = useRef<HTMLDivElement>(null)
  useFocusTrap(layer)
  const box = useFittedBox(stage, mode === 'side' ? aspect * 2 : aspect)

  useEffect(() => {
    const A = va.current
    const B = vb.current
    if (!A || !B) return
    let raf = 0
    const follow = () => {
      if (Math.abs(B.currentTime - A.currentTime) > 1 / FPS) B.currentTime = A.currentTime
      if (!A.paused) raf = requestAnimationFrame(follow)
    }
    const onPlay = () => {
      void B.play().catch(() => {})
      cancelAnimationFrame(raf)
      raf = requestAnimationFrame(follow)
    }
    const onPause = () => {
      B.pause()
      B.currentTime = A.currentTime
    }
    const onSeeked = () => {
      B.currentTime = A.currentTime
    }
    A.addEventListener('play', onPlay)
    A.addEventListener('pause', onPause)
    A.addEventListener('seeked', onSeeked)
    return () => {
      cancelAnimationFrame(raf)
      A.removeEventListener('play', onPlay)
      A.removeEventListener('pause', onPause)
      A.removeEventListener('seeked', onSeeked)
    }
  }, [])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) return
      let handled = true
      if (e.key === ' ') player.toggle()
      else if (e.key === 'ArrowLeft') player.step(e.shiftKey ? -24 : -1)
      else if (e.key === 'ArrowRight') player.step(e.shiftKey ? 24 : 1)
      else if (e.key === 'Escape') onClose()
      else if (e.key === 'w' || e.key === 'W') setMode((m) => (m === 'side' ? 'wipe' : 'side'))
      else handled = false
      if (handled) {
        e.preventDefault()
        e.stopPropagation()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [player, onClose])

  const frame = box ? { left: box.left, top: box.top, width: box.width, height: box.height } : { visibility: 'hidden' as const }

  return (
    <div ref={layer} tabIndex={-1} className="m-review-overlay m-compare" data-testid="compare" data-mode={mode} role="dialog" aria-modal="true" aria-label="Compare variations">
      <div className="m-review-main">
        <header className="m-review-head">
          <span className="m-review-title">Compare</span>
          <span className="m-compare-legend"><b>A</b> <VersionTag n={a.version} testId="compare-version-a" /> {a.label} <ReviewStateBadge state={a.reviewState} /></span>
          <span className="m-compare-legend"><b>B</b> <VersionTag n={b.version} testId="compare-version-b" /> {b.label} <ReviewStateBadge state={b.reviewState} /></span>
          <span className="m-review-head-spacer" />
          <span className="m-segmented" role="group" aria-label="Compare mode">
            <button type="button" aria-pressed={mode === 'side'} data-testid="compare-side" onClick={() => setMode('side')}>Side by side</button>
            <button type="button" aria-pressed={mode === 'wipe'} data-testid="compare-wipe" onClick={() => setMode('wipe')}>A/B wipe</button>
          </span>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Close compare" data-testid="compare-close" onClick={onClose}>✕</button>
        </header>
        <div className="m-review-stage" ref={stage}>
          <div className={`m-compare-frame m-compare-${mode}`} style={frame}>
            <div className="m-compare-pane m-compare-a">
              <ReviewVideo variation={a} api={api} videoRef={va} testId="compare-video-a" onAspect={setAspect} />
              <span className="m-compare-tag">A</span>
            </div>
            <div className="m-compare-pane m-compare-b" style={mode === 'wipe' ? { clipPath: `inset(0 0 0 ${wipe * 100}%)` } : undefined}>
              <ReviewVideo variation={b} api={api} videoRef={vb} testId="compare-video-b" />
              <span className="m-compare-tag">B</span>
            </div>
            {mode === 'wipe' && (
              <>
                <div className="m-wipe-line" style={{ left: `${wipe * 100}%` }} />
                <input
                  className="m-wipe-input"
                  type="range"
                  min={0}
                  max={1}
                  step={0.001}
                  value={wipe}
                  aria-label="A/B wipe position"
                  data-testid="wipe-slider"
                  onChange={(e) => setWipe(Number(e.target.value))}
                />
              </>
            )}
          </div>
        </div>
        <div className="m-review-transport">
          <button type="button" className="m-btn m-btn-sm" data-testid="compare-play" aria-label={player.paused ? 'Play' : 'Pause'} onClick={player.toggle}>
            {player.paused ? '▶' : '❚❚'}
          </button>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Previous frame" onClick={() => player.step(-1)}>‹</button>
          <button type="button" className="m-btn m-btn-sm m-btn-ghost" aria-label="Next frame" onClick={() => player.step(1)}>›</button>
          <span className="m-timecode">{timecode(player.time)}</span>
          <ScrubBar time={player.time} duration={player.duration} marks={[]} onSeek={player.seek} />
          <span className="m-hint m-timecode">{shortTime(player.duration)}</span>
        </div>
      </div>
    </div>
  )
}
