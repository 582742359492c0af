'use client'

import { useValue, type Editor, type TLRecord, type TLShape } from 'tldraw'
import { layoutTimeline, timelineProblems, type TSequenceFps } from '@montage/core'
import { timelineFromBoard } from '@montage/board/client'
import { playbackSha256 } from '@/lib/client/playback-sha256'
import { sequenceClips } from '@/lib/client/sequence-edits'

type TSequence = TLShape<'sequence'>
type TVariation = TLShape<'variation'>
type TAudio = TLShape<'sequence-audio'>

export interface TClipView {
  id: TLShape<'sequence-clip'>['id']
  variationId: string
  inFrame: number
  outFrame: number
  transition: 'cut' | 'crossfade'
  transitionFrames: number
  gainDb: number
  /** Where it sits on the sequence, in frames (crossfades overlap the previous clip). */
  recordIn: number
  recordOut: number
  overlap: number
  /** The source's length in frames; null for a still (it holds as long as it is trimmed to). */
  sourceFrames: number | null
  label: string
  posterSha256: string
  /** What the player plays: the proxy when there is one. */
  playSha256: string
  still: boolean
  ready: boolean
  approved: boolean
}

export interface TAudioView {
  id: TAudio['id']
  trackId: string
  name: string
  assetSha256: string
  startFrame: number
  inFrame: number
  outFrame: number
  gainDb: number
  fadeInFrames: number
  fadeOutFrames: number
  sourceFrames: number
}

export interface TSequenceView {
  fps: TSequenceFps
  clips: TClipView[]
  audio: TAudioView[]
  totalFrames: number
  /** What stops a render, in words (from `timelineFromBoard` and `timelineProblems`). */
  problems: string[]
  /** Clips whose variation is not approved, by their number and label ("2 (Keeper close)"): what delivery refuses. */
  unapproved: string[]
}

/**
 * The sequence as the card shows it, derived live from the board: its clips in order with their
 * variations and places on the record, its sounds, its length and what stands in the way of a
 * render. A variation's approval revoked anywhere shows here at once.
 */
export function useSequenceView(editor: Editor, sequence: TSequence, boardId: string): TSequenceView {
  return useValue('sequence view', () => sequenceView(editor, editor.getShape<TSequence>(sequence.id) ?? sequence, boardId), [editor, sequence.id, boardId])
}

export function sequenceView(editor: Editor, sequence: TSequence, boardId: string): TSequenceView {
  const fps = sequence.props.fps
  const clipShapes = sequenceClips(editor, sequence.id)
  const records: TLRecord[] = [sequence]
  const clips: TClipView[] = []
  for (const [i, clip] of clipShapes.entries()) {
    records.push(clip)
    const variation = editor.getShape<TVariation>(clip.props.variationId as TVariation['id'])
    const v = variation?.type === 'variation' ? variation : undefined
    if (v) records.push(v)
    const shot = v ? editor.getShape(v.props.shotId as TLShape['id']) : undefined
    if (shot) records.push(shot)
    const still = !!v?.props.mimeType.startsWith('image/')
    const title = shot?.type === 'shot' ? (shot as TLShape<'shot'>).props.title : ''
    clips.push({
      id: clip.id,
      variationId: clip.props.variationId,
      inFrame: clip.props.inFrame,
      outFrame: clip.props.outFrame,
      transition: i === 0 ? 'cut' : clip.props.transition,
      transitionFrames: clip.props.transitionFrames,
      gainDb: clip.props.gainDb,
      recordIn: 0,
      recordOut: 0,
      overlap: 0,
      sourceFrames: v && !still ? Math.max(1, Math.floor(v.props.durationSeconds * fps + 1e-6)) : null,
      label: title || `Clip ${i + 1}`,
      posterSha256: v?.props.posterSha256 ?? '',
      playSha256: v ? playbackSha256(v.props) : '',
      still,
      ready: !!v && v.props.status === 'succeeded' && !!v.props.assetSha256,
      approved: v?.props.reviewState === 'approved',
    })
  }
  // Laid out as the renderer will, with lengths a person may have got wrong kept visible (≥ 1 frame).
  const layout = layoutTimeline({
    clips: clips.map((c, i) => ({
      clipId: c.id,
      inFrame: c.inFrame,
      outFrame: Math.max(c.inFrame + 1, c.outFrame),
      transition: c.transition,
      transitionFrames: i === 0 ? 0 : Math.min(c.transitionFrames, Math.max(0, c.outFrame - c.inFrame - 1)),
    })) as never,
  })
  for (const [i, placed] of layout.clips.entries()) Object.assign(clips[i]!, { recordIn: placed.recordIn, recordOut: placed.recordOut, overlap: placed.overlap })

  const audio: TAudioView[] = []
  for (const id of editor.getSortedChildIdsForParent(sequence.id)) {
    const item = editor.getShape(id)
    if (item?.type !== 'sequence-audio') continue
    const a = item as TAudio
    records.push(a)
    audio.push({
      id: a.id,
      trackId: a.props.trackId,
      name: a.props.name,
      assetSha256: a.props.assetSha256,
      startFrame: a.props.startFrame,
      inFrame: a.props.inFrame,
      outFrame: a.props.outFrame,
      gainDb: a.props.gainDb,
      fadeInFrames: a.props.fadeInFrames,
      fadeOutFrames: a.props.fadeOutFrames,
      sourceFrames: Math.max(1, Math.floor(a.props.durationSeconds * fps + 1e-6)),
    })
  }

  const read = clips.length > 0 ? timelineFromBoard(records, sequence.id, boardId) : null
  const problems = read ? (read.ok ? timelineProblems(read.timeline) : read.problems) : []
  const audioEnd = Math.max(0, ...audio.map((a) => a.startFrame + Math.max(0, a.outFrame - a.inFrame)))
  return {
    fps,
    clips,
    audio,
    totalFrames: Math.max(layout.totalFrames, clips.length ? 0 : audioEnd),
    problems,
    unapproved: clips.flatMap((c, i) => (c.approved ? [] : [`${i + 1} (${c.label})`])),
  }
}
