'use client'

import { useEffect, useRef } from 'react'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { clipAt, crossfadeAt } from './clip-at'
import type { TAudioView, TClipView } from './use-sequence-view'

export interface TPlayhead {
  frame: number
  playing: boolean
  /** Changes on each seek, so a playing clock restarts from the new frame. */
  epoch: number
}

interface Props {
  clips: TClipView[]
  audio: TAudioView[]
  /** Tracks muted and their gains, by id. */
  tracks: { id: string; gainDb: number; muted: boolean }[]
  fps: number
  totalFrames: number
  aspect: number
  fit: 'letterbox' | 'crop'
  playhead: TPlayhead
  onPlayhead: (next: TPlayhead) => void
}

/** Drift a playing clip may have from the sequence's clock before it is seeked back. */
const MAX_DRIFT_S = 0.25

const gainOf = (db: number) => Math.min(1, Math.pow(10, db / 20))

/**
 * Plays the sequence as one timeline from the clips' own proxies (or outputs), one after another,
 * without a render: the sequence's clock runs on the wall clock and each clip's video follows it
 * (seeked to its in point when it comes on, corrected if it drifts), so stills, slow networks and
 * trims made while it plays all keep the playhead honest. Sounds on the audio tracks follow the
 * same clock. Through a crossfade both clips play, the incoming one fading in over the outgoing
 * (picture and sound), as the render blends them.
 */
export function SequencePlayer({ clips, audio, tracks, fps, totalFrames, aspect, fit, playhead, onPlayhead }: Props) {
  const videos = useRef(new Map<string, HTMLVideoElement>())
  const sounds = useRef(new Map<string, HTMLAudioElement>())
  const active = clips.length ? clipAt(clips, Math.min(playhead.frame, totalFrames - 1)) : -1
  const current = clips[active]
  const next = clips[active + 1]
  const fade = active >= 0 ? crossfadeAt(clips, active, Math.min(playhead.frame, totalFrames - 1)) : null
  const outgoing = fade ? clips[fade.outgoing] : undefined
  const state = useRef({ clips, audio, tracks, fps, totalFrames, playhead, onPlayhead })
  state.current = { clips, audio, tracks, fps, totalFrames, playhead, onPlayhead }

  // Keep every mounted video and sound where the sequence's clock says.
  useEffect(() => {
    const { frame, playing } = playhead
    const at = clips.length ? clipAt(clips, Math.min(frame, totalFrames - 1)) : -1
    const fading = at >= 0 ? crossfadeAt(clips, at, Math.min(frame, totalFrames - 1)) : null
    for (const [id, video] of videos.current) {
      const i = clips.findIndex((c) => c.id === id)
      const clip = clips[i]
      if (!clip) continue
      if (i !== at && i !== fading?.outgoing) {
        if (!video.paused) video.pause()
        // The next clip waits on its in point, ready to come on without a seek.
        if (Math.abs(video.currentTime - clip.inFrame / fps) > MAX_DRIFT_S) video.currentTime = clip.inFrame / fps
        continue
      }
      const want = (clip.inFrame + (frame - clip.recordIn)) / fps
      if (Math.abs(video.currentTime - want) > (playing ? MAX_DRIFT_S : 0.5 / fps)) video.currentTime = want
      video.muted = !playing
      const level = !fading ? 1 : i === at ? fading.mix : 1 - fading.mix
      video.volume = gainOf(clip.gainDb) * level
      if (playing && video.paused) void video.play().catch(() => {})
      if (!playing && !video.paused) video.pause()
    }
    for (const [id, sound] of sounds.current) {
      const item = audio.find((a) => a.id === id)
      const track = tracks.find((t) => t.id === item?.trackId)
      if (!item || !track) continue
      const length = Math.max(0, item.outFrame - item.inFrame)
      const local = frame - item.startFrame
      const on = playing && !track.muted && local >= 0 && local < length
      if (!on) {
        if (!sound.paused) sound.pause()
        continue
      }
      const want = (item.inFrame + local) / fps
      if (Math.abs(sound.currentTime - want) > MAX_DRIFT_S) sound.currentTime = want
      const fadeIn = item.fadeInFrames > 0 ? Math.min(1, local / item.fadeInFrames) : 1
      const fadeOut = item.fadeOutFrames > 0 ? Math.min(1, (length - local) / item.fadeOutFrames) : 1
      sound.volume = Math.max(0, Math.min(1, gainOf(item.gainDb + track.gainDb) * fadeIn * fadeOut))
      if (sound.paused) void sound.play().catch(() => {})
    }
  })

  // The clock: while playing, the playhead follows the wall clock from where play began.
  useEffect(() => {
    if (!playhead.playing) return
    const startFrame = state.current.playhead.frame >= state.current.totalFrames ? 0 : state.current.playhead.frame
    const startAt = performance.now()
    let raf = 0
    const tick = () => {
      const { fps: rate, totalFrames: total, onPlayhead: set } = state.current
      const frame = Math.floor(startFrame + ((performance.now() - startAt) * rate) / 1000)
      if (frame >= total) {
        set({ frame: total, playing: false, epoch: state.current.playhead.epoch })
        return
      }
      if (frame !== state.current.playhead.frame) set({ frame, playing: true, epoch: state.current.playhead.epoch })
      raf = requestAnimationFrame(tick)
    }
    raf = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(raf)
    // Restarts when play starts or stops, and on a seek (a new epoch), not on its own ticks.
  }, [playhead.playing, playhead.epoch])

  // The outgoing clip of a crossfade first, so the incoming one draws over it.
  const mounted = [outgoing, current, next].filter((c): c is TClipView => !!c && c.ready)
  return (
    <div className="m-seq-screen" style={{ aspectRatio: String(aspect) }} data-testid="sequence-player" data-frame={playhead.frame} data-playing={playhead.playing ? 'true' : 'false'} data-clip-id={current?.id} data-crossfade={fade ? fade.mix.toFixed(2) : undefined}>
      {clips.length === 0 && <span className="m-hint">Drag finished variations here</span>}
      {current && !current.ready && <span className="m-hint">Clip {active + 1} has no finished output</span>}
      {mounted.map((clip) => (
        <ClipMedia
          key={clip.id}
          clip={clip}
          opacity={clip.id === current?.id ? (fade?.mix ?? 1) : clip.id === outgoing?.id ? 1 : 0}
          fit={fit}
          register={(el) => {
            if (el) videos.current.set(clip.id, el)
            else videos.current.delete(clip.id)
          }}
        />
      ))}
      {audio.map((item) => (
        <SoundMedia
          key={item.id}
          sha256={item.assetSha256}
          register={(el) => {
            if (el) sounds.current.set(item.id, el)
            else sounds.current.delete(item.id)
          }}
        />
      ))}
    </div>
  )
}

function ClipMedia({ clip, opacity, fit, register }: { clip: TClipView; opacity: number; fit: 'letterbox' | 'crop'; register: (el: HTMLVideoElement | null) => void }) {
  const src = useAssetUrl(clip.playSha256)
  const poster = useAssetUrl(clip.posterSha256)
  const style = { objectFit: fit === 'crop' ? 'cover' : 'contain', opacity } as const
  if (clip.still) return opacity > 0 && src ? <img className="m-seq-media" src={src} alt="" draggable={false} style={style} /> : null
  return <video ref={register} className="m-seq-media" data-testid="sequence-player-video" data-clip-id={clip.id} src={src} poster={poster} preload="auto" playsInline muted style={style} />
}

function SoundMedia({ sha256, register }: { sha256: string; register: (el: HTMLAudioElement | null) => void }) {
  const src = useAssetUrl(sha256)
  return <audio ref={register} src={src} preload="auto" />
}
