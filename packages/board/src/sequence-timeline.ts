import type { TLRecord, TLShape } from '@tldraw/tlschema'
import { SEQUENCE_FRAME, ZSequenceTimeline, timelineProblems, type TSequenceTimeline, type TTimelineAudioTrack, type TTimelineClip } from '@montage/core'
import { SEQUENCE_AUDIO_SHAPE, SEQUENCE_CLIP_SHAPE, SEQUENCE_SHAPE, SHOT_SHAPE, VARIATION_SHAPE, type TSequenceAudioProps, type TSequenceClipProps, type TSequenceProps, type TShotProps, type TVariationProps } from './shapes'

type TShapeOf<P> = TLShape & { props: P }

export type TTimelineFromBoard =
  | { ok: true; timeline: TSequenceTimeline; approved: boolean; problems: string[] }
  | { ok: false; problems: string[] }

/**
 * Reads a sequence off a board's records into the timeline every consumer uses (the renderer, the
 * hand-off files, the manifest): clips in their `index` order with their variation's output,
 * audio items by track. `approved` says whether every clip's variation is approved (what delivery
 * needs). A clip whose variation is missing or has no finished output is a problem, named.
 */
export function timelineFromBoard(records: Iterable<TLRecord>, sequenceId: string, boardId: string): TTimelineFromBoard {
  const byId = new Map<string, TLRecord>()
  const clips: TShapeOf<TSequenceClipProps>[] = []
  const audio: TShapeOf<TSequenceAudioProps>[] = []
  for (const record of records) {
    byId.set(record.id, record)
    if (record.typeName !== 'shape' || record.parentId !== sequenceId) continue
    if (record.type === SEQUENCE_CLIP_SHAPE) clips.push(record as TShapeOf<TSequenceClipProps>)
    else if (record.type === SEQUENCE_AUDIO_SHAPE) audio.push(record as TShapeOf<TSequenceAudioProps>)
  }
  const sequence = byId.get(sequenceId) as TShapeOf<TSequenceProps> | undefined
  if (!sequence || sequence.typeName !== 'shape' || sequence.type !== SEQUENCE_SHAPE) return { ok: false, problems: ['This sequence is not on the board.'] }
  if (clips.length === 0) return { ok: false, problems: [`"${sequence.props.title || 'Sequence'}" has no clips yet: drag finished variations onto it.`] }
  clips.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : 1))

  const fps = sequence.props.fps
  const problems: string[] = []
  let approved = true
  const timelineClips: TTimelineClip[] = []
  for (const [i, clip] of clips.entries()) {
    const variation = byId.get(clip.props.variationId) as TShapeOf<TVariationProps> | undefined
    if (!variation || variation.typeName !== 'shape' || variation.type !== VARIATION_SHAPE) {
      problems.push(`Clip ${i + 1} shows a variation that is no longer on the board.`)
      continue
    }
    const v = variation.props
    const shot = byId.get(v.shotId) as TShapeOf<TShotProps> | undefined
    const label = shot?.type === SHOT_SHAPE ? shot.props.title : ''
    if (v.status !== 'succeeded' || !v.assetSha256) {
      problems.push(`Clip ${i + 1}${label ? ` (${label})` : ''} has no finished output yet.`)
      continue
    }
    if (v.reviewState !== 'approved') approved = false
    const still = v.mimeType.startsWith('image/')
    timelineClips.push({
      clipId: clip.id,
      variationId: variation.id,
      generationId: v.generationId,
      assetSha256: v.assetSha256,
      mimeType: v.mimeType,
      still,
      sourceFrames: still ? Math.max(1, clip.props.outFrame) : Math.max(1, Math.floor(v.durationSeconds * fps + 1e-6)),
      inFrame: clip.props.inFrame,
      outFrame: clip.props.outFrame,
      transition: i === 0 ? 'cut' : clip.props.transition,
      transitionFrames: i === 0 ? 0 : clip.props.transitionFrames,
      gainDb: clip.props.gainDb,
      label: label.slice(0, 200),
    })
  }

  const audioTracks: TTimelineAudioTrack[] = sequence.props.audioTracks.map((track) => ({
    trackId: track.id,
    name: track.name,
    gainDb: track.gainDb,
    muted: track.muted,
    items: audio
      .filter((item) => item.props.trackId === track.id && item.props.assetSha256)
      .sort((a, b) => a.props.startFrame - b.props.startFrame)
      .map((item) => ({
        itemId: item.id,
        assetSha256: item.props.assetSha256,
        mimeType: item.props.mimeType,
        name: item.props.name,
        sourceFrames: Math.max(1, Math.floor(item.props.durationSeconds * fps + 1e-6)),
        startFrame: item.props.startFrame,
        inFrame: item.props.inFrame,
        outFrame: item.props.outFrame,
        gainDb: item.props.gainDb,
        fadeInFrames: item.props.fadeInFrames,
        fadeOutFrames: item.props.fadeOutFrames,
      })),
  }))

  if (problems.length) return { ok: false, problems }
  const frame = SEQUENCE_FRAME[sequence.props.aspectRatio]
  const parsed = ZSequenceTimeline.safeParse({
    sequenceId,
    boardId,
    title: sequence.props.title,
    fps,
    aspectRatio: sequence.props.aspectRatio,
    width: frame.width,
    height: frame.height,
    fit: sequence.props.fit,
    delivery: sequence.props.delivery,
    clips: timelineClips,
    audioTracks,
  })
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }
  return { ok: true, timeline: parsed.data, approved, problems: timelineProblems(parsed.data) }
}
