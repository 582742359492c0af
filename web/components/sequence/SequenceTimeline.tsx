'use client'

import { useRef, useState, type DragEvent, type PointerEvent as ReactPointerEvent } from 'react'
import { stopEventPropagation, type Editor, type TLShape } from 'tldraw'
import { SEQUENCE_LIMITS } from '@montage/core'
import { useAssetUrl } from '@/lib/client/use-asset-url'
import { formatTimecode, shortTimecode } from '@/lib/client/timecode'
import { moveClip, updateAudio, updateClip, updateSequence } from '@/lib/client/sequence-edits'
import type { TAudioView, TClipView, TSequenceView } from './use-sequence-view'

type TSequence = TLShape<'sequence'>

export type TTimelineSelection = { kind: 'clip' | 'audio'; id: string } | null

/** Heights of the timeline's parts, in board units: the card grows by one audio lane per track. */
export const TIMELINE = { header: 136, ruler: 20, video: 60, audio: 40, addRow: 32 } as const

interface Props {
  editor: Editor
  sequence: TSequence
  view: TSequenceView
  width: number
  frame: number
  readOnly: boolean
  selection: TTimelineSelection
  onSelect: (selection: TTimelineSelection) => void
  onSeek: (frame: number) => void
  /** A sound file dropped on a track at a frame. */
  onDropSound: (trackId: string, file: File, startFrame: number) => void
  onAddTrack: () => void
}

/** Pixels of movement before a press on a clip becomes a drag. */
const DRAG_SLOP = 4

/**
 * The sequence's timeline: a ruler that seeks, the picture track (clips in order; drag one to
 * reorder it, drag its edges to trim), and the audio tracks (drop a sound file on one). Frames map
 * to board units linearly, so drags read the pointer against the lane's own on-screen box and
 * stay right at any zoom.
 */
export function SequenceTimeline({ editor, sequence, view, width, frame, readOnly, selection, onSelect, onSeek, onDropSound, onAddTrack }: Props) {
  const lane = useRef<HTMLDivElement>(null)
  const [drag, setDrag] = useState<{ clipId: string; dx: number; slot: number } | null>(null)
  const { fps, clips, audio, totalFrames } = view
  const visibleFrames = Math.max(totalFrames, fps * 8) * 1.08
  const laneWidth = width - 24 - TIMELINE.header
  const ppf = laneWidth / visibleFrames

  const frameAt = (clientX: number): number => {
    const rect = lane.current?.getBoundingClientRect()
    if (!rect || rect.width === 0) return 0
    return ((clientX - rect.left) / rect.width) * visibleFrames
  }

  function seekFrom(e: ReactPointerEvent) {
    stopEventPropagation(e)
    const seek = (clientX: number) => onSeek(Math.max(0, Math.min(totalFrames, Math.round(frameAt(clientX)))))
    seek(e.clientX)
    followPointer(e, (ev) => seek(ev.clientX))
  }

  /** A press on a clip: select it; a drag moves it (reorder) or, from an edge, trims it. */
  function pressClip(e: ReactPointerEvent, clip: TClipView, mode: 'move' | 'in' | 'out') {
    stopEventPropagation(e)
    onSelect({ kind: 'clip', id: clip.id })
    if (readOnly) return
    e.preventDefault()
    const startX = e.clientX
    const startFrame = frameAt(e.clientX)
    let moved = false
    let slot = clips.findIndex((c) => c.id === clip.id)
    followPointer(e, (ev) => {
      if (!moved && Math.abs(ev.clientX - startX) < DRAG_SLOP) return
      if (!moved) editor.markHistoryStoppingPoint(mode === 'move' ? 'reorder clip' : 'trim clip')
      moved = true
      const f = frameAt(ev.clientX)
      const delta = Math.round(f - startFrame)
      if (mode === 'in') updateClip(editor, clip, { inFrame: clamp(clip.inFrame + delta, 0, clip.outFrame - 1) })
      else if (mode === 'out') updateClip(editor, clip, { outFrame: clamp(clip.outFrame + delta, clip.inFrame + 1, clip.sourceFrames ?? SEQUENCE_LIMITS.maxFrames) })
      else {
        const others = clips.filter((c) => c.id !== clip.id)
        slot = others.filter((c) => (c.recordIn + c.recordOut) / 2 < f).length
        setDrag({ clipId: clip.id, dx: (f - startFrame) * ppf, slot })
      }
    }, () => {
      if (mode === 'move' && moved) moveClip(editor, sequence.id, clip.id as TLShape<'sequence-clip'>['id'], slot)
      setDrag(null)
    })
  }

  /** A press on a sound: select it; a drag slides it along its track. */
  function pressSound(e: ReactPointerEvent, item: TAudioView) {
    stopEventPropagation(e)
    onSelect({ kind: 'audio', id: item.id })
    if (readOnly) return
    e.preventDefault()
    const startX = e.clientX
    const startFrame = frameAt(e.clientX)
    let moved = false
    followPointer(e, (ev) => {
      if (!moved && Math.abs(ev.clientX - startX) < DRAG_SLOP) return
      if (!moved) editor.markHistoryStoppingPoint('move sound')
      moved = true
      updateAudio(editor, item, { startFrame: clamp(item.startFrame + Math.round(frameAt(ev.clientX) - startFrame), 0, SEQUENCE_LIMITS.maxFrames) })
    })
  }

  function dragOver(e: DragEvent) {
    if (readOnly || !e.dataTransfer.types.includes('Files')) return
    e.preventDefault()
    e.stopPropagation()
    e.dataTransfer.dropEffect = 'copy'
  }

  function drop(e: DragEvent, trackId: string) {
    if (readOnly || !e.dataTransfer.types.includes('Files')) return
    // The board would make a reference card of it: on a track it is a sound.
    e.preventDefault()
    e.stopPropagation()
    const file = e.dataTransfer.files[0]
    if (file) onDropSound(trackId, file, Math.max(0, Math.round(frameAt(e.clientX))))
  }

  const ticks = rulerTicks(visibleFrames, fps, ppf)
  const dragged = drag ? clips.find((c) => c.id === drag.clipId) : undefined
  const others = drag ? clips.filter((c) => c.id !== drag.clipId) : []
  const insertAt = drag ? (drag.slot < others.length ? others[drag.slot]!.recordIn : (others.at(-1)?.recordOut ?? 0)) : 0

  return (
    <div className="m-seq-timeline" onPointerDown={stopEventPropagation}>
      <div className="m-seq-row" style={{ height: TIMELINE.ruler }}>
        <div className="m-seq-track-head m-hint">{formatTimecode(frame, fps)}</div>
        <div className="m-seq-ruler" data-testid="sequence-ruler" onPointerDown={seekFrom}>
          {ticks.map((t) => (
            <span key={t.frame} className="m-seq-tick" style={{ left: t.frame * ppf }}>
              {t.label}
            </span>
          ))}
        </div>
      </div>
      <div className="m-seq-row" style={{ height: TIMELINE.video }}>
        <div className="m-seq-track-head">
          <span className="m-seq-track-name">Picture</span>
          <span className="m-hint">{clips.length} clip{clips.length === 1 ? '' : 's'}</span>
        </div>
        <div className="m-seq-lane m-seq-lane-video" ref={lane} data-testid="sequence-video-lane">
          {clips.length === 0 && <span className="m-seq-empty m-hint">Drag finished variations onto the sequence, or select them and press “Add selected”.</span>}
          {clips.map((clip, i) => (
            <ClipBlock
              key={clip.id}
              clip={clip}
              number={i + 1}
              fps={fps}
              ppf={ppf}
              selected={selection?.kind === 'clip' && selection.id === clip.id}
              dragging={drag?.clipId === clip.id ? drag.dx : null}
              readOnly={readOnly}
              onPress={pressClip}
            />
          ))}
          {dragged && <span className="m-seq-insert" style={{ left: insertAt * ppf }} />}
        </div>
      </div>
      {sequence.props.audioTracks.map((track) => (
        <div className="m-seq-row" key={track.id} style={{ height: TIMELINE.audio }} data-testid="sequence-audio-track" data-track-id={track.id}>
          <div className="m-seq-track-head">
            <input
              className="m-inline-input m-seq-track-input"
              value={track.name}
              maxLength={100}
              disabled={readOnly}
              aria-label="Track name"
              onChange={(e) => updateSequence(editor, sequence, { audioTracks: sequence.props.audioTracks.map((t) => (t.id === track.id ? { ...t, name: e.target.value } : t)) })}
            />
            <button
              className={`m-seq-mute${track.muted ? ' m-seq-mute-on' : ''}`}
              disabled={readOnly}
              title={track.muted ? 'Unmute track' : 'Mute track'}
              aria-pressed={track.muted}
              onClick={() => updateSequence(editor, sequence, { audioTracks: sequence.props.audioTracks.map((t) => (t.id === track.id ? { ...t, muted: !t.muted } : t)) })}
            >
              M
            </button>
            <input
              className="m-seq-num m-seq-num-xs"
              type="number"
              step={1}
              min={SEQUENCE_LIMITS.minGainDb}
              max={SEQUENCE_LIMITS.maxGainDb}
              value={track.gainDb}
              disabled={readOnly}
              title="Track gain (dB)"
              aria-label="Track gain in dB"
              onChange={(e) => {
                const gainDb = clamp(Number(e.target.value) || 0, SEQUENCE_LIMITS.minGainDb, SEQUENCE_LIMITS.maxGainDb)
                updateSequence(editor, sequence, { audioTracks: sequence.props.audioTracks.map((t) => (t.id === track.id ? { ...t, gainDb } : t)) })
              }}
            />
          </div>
          <div className="m-seq-lane m-seq-lane-audio" data-testid="sequence-audio-lane" onDragOver={dragOver} onDrop={(e) => drop(e, track.id)}>
            {audio
              .filter((a) => a.trackId === track.id)
              .map((item) => (
                <SoundBlock key={item.id} item={item} ppf={ppf} fps={fps} selected={selection?.kind === 'audio' && selection.id === item.id} onPress={pressSound} />
              ))}
            {!audio.some((a) => a.trackId === track.id) && <span className="m-seq-empty m-hint">Drop a WAV, MP3 or AAC file here</span>}
          </div>
        </div>
      ))}
      <div className="m-seq-row" style={{ height: TIMELINE.addRow }}>
        <div className="m-seq-track-head">
          {!readOnly && sequence.props.audioTracks.length < SEQUENCE_LIMITS.audioTracks && (
            <button className="m-btn m-btn-sm m-btn-ghost" data-testid="sequence-add-track" onClick={onAddTrack}>
              + Audio track
            </button>
          )}
        </div>
      </div>
      <span className="m-seq-playhead" style={{ left: TIMELINE.header + 12 + Math.min(frame, visibleFrames) * ppf }} aria-hidden />
    </div>
  )
}

function ClipBlock({ clip, number, fps, ppf, selected, dragging, readOnly, onPress }: { clip: TClipView; number: number; fps: number; ppf: number; selected: boolean; dragging: number | null; readOnly: boolean; onPress: (e: ReactPointerEvent, clip: TClipView, mode: 'move' | 'in' | 'out') => void }) {
  const poster = useAssetUrl(clip.posterSha256)
  const width = Math.max(6, (clip.recordOut - clip.recordIn) * ppf)
  return (
    <div
      className={`m-seq-clip${selected ? ' m-seq-clip-selected' : ''}${dragging !== null ? ' m-seq-clip-dragging' : ''}${clip.ready ? '' : ' m-seq-clip-missing'}`}
      style={{ left: clip.recordIn * ppf, width, transform: dragging !== null ? `translateX(${dragging}px)` : undefined, backgroundImage: poster ? `url(${poster})` : undefined }}
      data-testid="sequence-clip"
      data-clip-id={clip.id}
      data-variation-id={clip.variationId}
      data-in={clip.inFrame}
      data-out={clip.outFrame}
      data-approved={clip.approved ? 'true' : 'false'}
      title={`${number}. ${clip.label} · in ${formatTimecode(clip.inFrame, fps)} · out ${formatTimecode(clip.outFrame, fps)}`}
      onPointerDown={(e) => onPress(e, clip, 'move')}
    >
      {clip.overlap > 0 && <span className="m-seq-xfade" style={{ width: clip.overlap * ppf }} title={`Crossfade · ${clip.overlap} frames`} />}
      <span className="m-seq-clip-label">
        <span className="m-seq-clip-num">{number}</span>
        {clip.label}
      </span>
      <span className="m-seq-clip-len" data-testid="sequence-clip-length">{shortTimecode(clip.outFrame - clip.inFrame, fps)}</span>
      {!readOnly && (
        <>
          <span className="m-seq-trim m-seq-trim-in" data-testid="clip-trim-in" title="Drag to trim the in point" onPointerDown={(e) => onPress(e, clip, 'in')} />
          <span className="m-seq-trim m-seq-trim-out" data-testid="clip-trim-out" title="Drag to trim the out point" onPointerDown={(e) => onPress(e, clip, 'out')} />
        </>
      )}
    </div>
  )
}

function SoundBlock({ item, ppf, fps, selected, onPress }: { item: TAudioView; ppf: number; fps: number; selected: boolean; onPress: (e: ReactPointerEvent, item: TAudioView) => void }) {
  const length = Math.max(1, item.outFrame - item.inFrame)
  return (
    <div
      className={`m-seq-sound${selected ? ' m-seq-clip-selected' : ''}`}
      style={{ left: item.startFrame * ppf, width: Math.max(6, length * ppf) }}
      data-testid="sequence-audio-item"
      data-item-id={item.id}
      title={`${item.name} · ${formatTimecode(length, fps)}`}
      onPointerDown={(e) => onPress(e, item)}
    >
      {item.fadeInFrames > 0 && <span className="m-seq-fade m-seq-fade-in" style={{ width: item.fadeInFrames * ppf }} />}
      {item.fadeOutFrames > 0 && <span className="m-seq-fade m-seq-fade-out" style={{ width: item.fadeOutFrames * ppf }} />}
      <span className="m-seq-clip-label">{item.name}</span>
    </div>
  )
}

/** Labelled ticks every 1, 2, 5, 10… seconds, whichever keeps labels about 60 units apart. */
function rulerTicks(visibleFrames: number, fps: number, ppf: number): { frame: number; label: string }[] {
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300].find((s) => s * fps * ppf >= 60) ?? 600
  const ticks: { frame: number; label: string }[] = []
  for (let s = 0; s * fps <= visibleFrames; s += step) ticks.push({ frame: s * fps, label: `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` })
  return ticks
}

function clamp(n: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, n))
}

/**
 * Captures the pointer on the pressed element and calls `move` for each move until it is released
 * or cancelled, then `end`: one press-drag-release, however far the pointer leaves the element.
 */
function followPointer(e: ReactPointerEvent, move: (ev: PointerEvent) => void, end?: () => void): void {
  const target = e.currentTarget as HTMLElement
  target.setPointerCapture(e.pointerId)
  const up = () => {
    target.removeEventListener('pointermove', move)
    target.removeEventListener('pointerup', up)
    target.removeEventListener('pointercancel', up)
    end?.()
  }
  target.addEventListener('pointermove', move)
  target.addEventListener('pointerup', up)
  target.addEventListener('pointercancel', up)
}
