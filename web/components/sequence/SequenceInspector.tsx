'use client'

import { useEffect, useState } from 'react'
import { stopEventPropagation, type Editor, type TLShape } from 'tldraw'
import { SEQUENCE_LIMITS } from '@montage/core'
import { formatTimecode, parseTimecode } from '@/lib/client/timecode'
import { updateAudio, updateClip } from '@/lib/client/sequence-edits'
import type { TSequenceView } from './use-sequence-view'
import type { TTimelineSelection } from './SequenceTimeline'

interface Props {
  editor: Editor
  view: TSequenceView
  selection: TTimelineSelection
  readOnly: boolean
  onSelect: (selection: TTimelineSelection) => void
}

/**
 * The fields of what is selected on the timeline: a clip's in and out (as timecode), how it
 * begins (cut or crossfade and its length) and its gain; a sound's place, in/out, gain and fades.
 */
export function SequenceInspector({ editor, view, selection, readOnly, onSelect }: Props) {
  const { fps } = view
  const index = selection?.kind === 'clip' ? view.clips.findIndex((c) => c.id === selection.id) : -1
  const clip = view.clips[index]
  const item = selection?.kind === 'audio' ? view.audio.find((a) => a.id === selection.id) : undefined
  // Each edit made here is its own step of undo.
  const clipEdit = (target: Parameters<typeof updateClip>[1], props: Parameters<typeof updateClip>[2]) => {
    editor.markHistoryStoppingPoint('edit clip')
    updateClip(editor, target, props)
  }
  const audioEdit = (target: Parameters<typeof updateAudio>[1], props: Parameters<typeof updateAudio>[2]) => {
    editor.markHistoryStoppingPoint('edit sound')
    updateAudio(editor, target, props)
  }

  function remove(id: string) {
    editor.markHistoryStoppingPoint('remove from sequence')
    editor.deleteShapes([id as TLShape['id']])
    onSelect(null)
  }

  if (clip) {
    const max = clip.sourceFrames ?? SEQUENCE_LIMITS.maxFrames
    return (
      <div className="m-seq-inspector" data-testid="sequence-inspector" data-clip-id={clip.id} onPointerDown={stopEventPropagation}>
        <div className="m-seq-inspector-title">
          <span className="m-seq-clip-num">{index + 1}</span>
          <span className="m-seq-inspector-name">{clip.label}</span>
          {!readOnly && (
            <button className="m-btn m-btn-sm m-btn-ghost" data-testid="clip-remove" onClick={() => remove(clip.id)}>
              Remove
            </button>
          )}
        </div>
        <div className="m-seq-fields">
          <TimecodeField label="In" testId="clip-in" fps={fps} value={clip.inFrame} min={0} max={clip.outFrame - 1} readOnly={readOnly} onChange={(inFrame) => clipEdit(clip, { inFrame })} />
          <TimecodeField label="Out" testId="clip-out" fps={fps} value={clip.outFrame} min={clip.inFrame + 1} max={max} readOnly={readOnly} onChange={(outFrame) => clipEdit(clip, { outFrame })} />
          <label className="m-field">
            <span className="m-field-label">Length</span>
            <span className="m-seq-readout">{formatTimecode(clip.outFrame - clip.inFrame, fps)}</span>
          </label>
          <NumberField label="Gain dB" testId="clip-gain" value={clip.gainDb} min={SEQUENCE_LIMITS.minGainDb} max={SEQUENCE_LIMITS.maxGainDb} step={0.5} readOnly={readOnly} onChange={(gainDb) => clipEdit(clip, { gainDb })} />
        </div>
        {index > 0 && (
          <div className="m-seq-fields">
            <label className="m-field">
              <span className="m-field-label">From clip {index}</span>
              <select
                className="m-select m-select-sm"
                data-testid="clip-transition"
                value={clip.transition}
                disabled={readOnly}
                onChange={(e) => {
                  const transition = e.target.value as 'cut' | 'crossfade'
                  // A crossfade starts at half a second, shortened to fit the shorter clip.
                  const prev = view.clips[index - 1]!
                  const room = Math.min(prev.outFrame - prev.inFrame, clip.outFrame - clip.inFrame) - 1
                  const transitionFrames = transition === 'crossfade' ? Math.max(1, Math.min(clip.transitionFrames || Math.round(fps / 2), room)) : 0
                  clipEdit(clip, { transition, transitionFrames })
                }}
              >
                <option value="cut">Cut</option>
                <option value="crossfade">Crossfade</option>
              </select>
            </label>
            {clip.transition === 'crossfade' && (
              <NumberField label="Frames" testId="clip-transition-frames" value={clip.transitionFrames} min={1} max={SEQUENCE_LIMITS.maxFrames} step={1} readOnly={readOnly} onChange={(transitionFrames) => clipEdit(clip, { transitionFrames: Math.round(transitionFrames) })} />
            )}
          </div>
        )}
      </div>
    )
  }

  if (item) {
    return (
      <div className="m-seq-inspector" data-testid="sequence-inspector" data-item-id={item.id} onPointerDown={stopEventPropagation}>
        <div className="m-seq-inspector-title">
          <span className="m-seq-inspector-name">{item.name}</span>
          {!readOnly && (
            <button className="m-btn m-btn-sm m-btn-ghost" onClick={() => remove(item.id)}>
              Remove
            </button>
          )}
        </div>
        <div className="m-seq-fields">
          <TimecodeField label="Starts at" testId="audio-start" fps={fps} value={item.startFrame} min={0} max={SEQUENCE_LIMITS.maxFrames} readOnly={readOnly} onChange={(startFrame) => audioEdit(item, { startFrame })} />
          <TimecodeField label="In" testId="audio-in" fps={fps} value={item.inFrame} min={0} max={item.outFrame - 1} readOnly={readOnly} onChange={(inFrame) => audioEdit(item, { inFrame })} />
          <TimecodeField label="Out" testId="audio-out" fps={fps} value={item.outFrame} min={item.inFrame + 1} max={item.sourceFrames} readOnly={readOnly} onChange={(outFrame) => audioEdit(item, { outFrame })} />
        </div>
        <div className="m-seq-fields">
          <NumberField label="Gain dB" testId="audio-gain" value={item.gainDb} min={SEQUENCE_LIMITS.minGainDb} max={SEQUENCE_LIMITS.maxGainDb} step={0.5} readOnly={readOnly} onChange={(gainDb) => audioEdit(item, { gainDb })} />
          <NumberField label="Fade in" testId="audio-fade-in" value={item.fadeInFrames} min={0} max={item.outFrame - item.inFrame} step={1} readOnly={readOnly} onChange={(n) => audioEdit(item, { fadeInFrames: Math.round(n) })} />
          <NumberField label="Fade out" testId="audio-fade-out" value={item.fadeOutFrames} min={0} max={item.outFrame - item.inFrame} step={1} readOnly={readOnly} onChange={(n) => audioEdit(item, { fadeOutFrames: Math.round(n) })} />
        </div>
      </div>
    )
  }

  return (
    <div className="m-seq-inspector m-seq-inspector-empty" onPointerDown={stopEventPropagation}>
      <span className="m-hint">Select a clip to trim it, set its transition or its gain. Drag clips to reorder, their edges to trim; click the ruler to seek, Space to play.</span>
    </div>
  )
}

/** A frame value typed as timecode (or frames); applied on Enter or when the field loses focus. */
function TimecodeField({ label, testId, fps, value, min, max, readOnly, onChange }: { label: string; testId: string; fps: number; value: number; min: number; max: number; readOnly: boolean; onChange: (frames: number) => void }) {
  const shown = formatTimecode(value, fps)
  const [text, setText] = useState(shown)
  useEffect(() => setText(shown), [shown])
  const commit = () => {
    const frames = parseTimecode(text, fps)
    if (frames === null) return setText(shown)
    const next = Math.max(min, Math.min(max, frames))
    setText(formatTimecode(next, fps))
    if (next !== value) onChange(next)
  }
  return (
    <label className="m-field">
      <span className="m-field-label">{label}</span>
      <input
        className="m-seq-num m-seq-tc"
        data-testid={testId}
        value={text}
        disabled={readOnly}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          e.stopPropagation()
          if (e.key === 'Enter') commit()
          if (e.key === 'Escape') setText(shown)
        }}
      />
    </label>
  )
}

function NumberField({ label, testId, value, min, max, step, readOnly, onChange }: { label: string; testId: string; value: number; min: number; max: number; step: number; readOnly: boolean; onChange: (n: number) => void }) {
  return (
    <label className="m-field">
      <span className="m-field-label">{label}</span>
      <input
        className="m-seq-num"
        type="number"
        data-testid={testId}
        value={value}
        min={min}
        max={max}
        step={step}
        disabled={readOnly}
        onKeyDown={(e) => e.stopPropagation()}
        onChange={(e) => {
          const n = Number(e.target.value)
          if (e.target.value !== '' && Number.isFinite(n)) onChange(Math.max(min, Math.min(max, n)))
        }}
      />
    </label>
  )
}
