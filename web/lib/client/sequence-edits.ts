import { createShapeId, getIndexAbove, getIndexBetween, type Editor, type IndexKey, type TLShape } from 'tldraw'
import { SEQUENCE_LIMITS } from '@montage/core'

type TSequence = TLShape<'sequence'>
type TClip = TLShape<'sequence-clip'>
type TAudio = TLShape<'sequence-audio'>
type TVariation = TLShape<'variation'>

/** A still holds this long when it enters a sequence (a person trims it from there). */
const STILL_SECONDS = 4

/** The clips of a sequence in their order on the timeline (their tldraw `index`). */
export function sequenceClips(editor: Editor, sequenceId: TSequence['id']): TClip[] {
  return editor
    .getSortedChildIdsForParent(sequenceId)
    .map((id) => editor.getShape(id))
    .filter((s): s is TClip => s?.type === 'sequence-clip')
}

/** Frames of a variation's output at `fps` (whole frames, as the renderer counts them). */
export function variationFrames(variation: TVariation, fps: number): number {
  if (variation.props.mimeType.startsWith('image/')) return STILL_SECONDS * fps
  return Math.max(1, Math.floor(variation.props.durationSeconds * fps + 1e-6))
}

/**
 * Why a variation may not be appended to the sequence, in words; null when it may. The board's
 * guard refuses the same on the server: this only says it before anything is written.
 */
export function clipRefusal(sequence: TSequence, variation: TShapeLike): string | null {
  if (variation.type !== 'variation') return 'Only variations can go on a sequence.'
  const v = variation as TVariation
  if (v.props.shotId === sequence.id) return 'A render of this sequence cannot be a clip of it.'
  if (v.props.status !== 'succeeded' || !v.props.assetSha256) return 'This variation has no finished output yet.'
  if (sequence.props.delivery && v.props.reviewState !== 'approved') {
    return `"${sequence.props.title || 'This sequence'}" is marked for delivery and takes approved variations only.`
  }
  return null
}
type TShapeLike = Pick<TLShape, 'type' | 'id'> & { props: unknown }

/**
 * Appends variations to the end of the sequence as clips, whole, cut in: each is a new child
 * whose index is above the last clip's. Returns why any was left out (the first reason), or null.
 */
export function appendClips(editor: Editor, sequence: TSequence, variations: TLShape[]): string | null {
  const clips = sequenceClips(editor, sequence.id)
  let top: IndexKey | undefined = clips.at(-1)?.index
  let refusal: string | null = null
  const created: TClip['id'][] = []
  editor.run(() => {
    for (const variation of variations) {
      const why = clipRefusal(sequence, variation) ?? (clips.length + created.length >= SEQUENCE_LIMITS.clips ? `A sequence holds at most ${SEQUENCE_LIMITS.clips} clips.` : null)
      if (why) {
        refusal ??= why
        continue
      }
      const index = getIndexAbove(top)
      top = index
      const id = createShapeId()
      editor.createShape<TClip>({
        id,
        type: 'sequence-clip',
        parentId: sequence.id,
        index,
        x: 0,
        y: 0,
        props: { w: 1, h: 1, variationId: variation.id, inFrame: 0, outFrame: variationFrames(variation as TVariation, sequence.props.fps), transition: 'cut', transitionFrames: 0, gainDb: 0 },
      })
      created.push(id)
    }
  })
  return refusal
}

/**
 * Moves a clip to `slot` (its position among the other clips, from 0) by giving it an index
 * between its new neighbours: only the moved clip's record changes, so a trim someone else makes
 * at the same time merges.
 */
export function moveClip(editor: Editor, sequenceId: TSequence['id'], clipId: TClip['id'], slot: number): void {
  const clips = sequenceClips(editor, sequenceId)
  const moving = clips.find((c) => c.id === clipId)
  if (!moving) return
  const others = clips.filter((c) => c.id !== clipId)
  const to = Math.max(0, Math.min(slot, others.length))
  if (clips.indexOf(moving) === to) return
  const index = getIndexBetween(others[to - 1]?.index, others[to]?.index)
  editor.updateShape<TClip>({ id: clipId, type: 'sequence-clip', index })
}

export function updateClip(editor: Editor, clip: Pick<TClip, 'id'>, props: Partial<TClip['props']>): void {
  editor.updateShape<TClip>({ id: clip.id, type: 'sequence-clip', props })
}

export function updateAudio(editor: Editor, item: Pick<TAudio, 'id'>, props: Partial<TAudio['props']>): void {
  editor.updateShape<TAudio>({ id: item.id, type: 'sequence-audio', props })
}

export function updateSequence(editor: Editor, sequence: Pick<TSequence, 'id'>, props: Partial<TSequence['props']>): void {
  editor.updateShape<TSequence>({ id: sequence.id, type: 'sequence', props })
}

/** Adds an empty audio track under the others. */
export function addAudioTrack(editor: Editor, sequence: TSequence): string | null {
  const tracks = sequence.props.audioTracks
  if (tracks.length >= SEQUENCE_LIMITS.audioTracks) return `A sequence has at most ${SEQUENCE_LIMITS.audioTracks} audio tracks.`
  const id = createShapeId().slice('shape:'.length)
  updateSequence(editor, sequence, { audioTracks: [...tracks, { id, name: `Audio ${tracks.length + 1}`, gainDb: 0, muted: false }] })
  return null
}

export interface TPlacedSound {
  trackId: string
  assetSha256: string
  mimeType: string
  name: string
  durationSeconds: number
  startFrame: number
}

/** Places an uploaded sound on a track at `startFrame`, whole (as long as the sequence allows). */
export function placeSound(editor: Editor, sequence: TSequence, sound: TPlacedSound): TAudio['id'] {
  const frames = Math.max(1, Math.min(SEQUENCE_LIMITS.maxFrames, Math.floor(sound.durationSeconds * sequence.props.fps + 1e-6)))
  const siblings = editor.getSortedChildIdsForParent(sequence.id)
  const top = siblings.length ? editor.getShape(siblings.at(-1)!)?.index : undefined
  const id = createShapeId()
  editor.createShape<TAudio>({
    id,
    type: 'sequence-audio',
    parentId: sequence.id,
    index: getIndexAbove(top),
    x: 0,
    y: 0,
    props: {
      w: 1, h: 1,
      trackId: sound.trackId, assetSha256: sound.assetSha256, mimeType: sound.mimeType, name: sound.name.slice(0, 200), durationSeconds: sound.durationSeconds,
      startFrame: Math.max(0, Math.min(SEQUENCE_LIMITS.maxFrames, Math.round(sound.startFrame))), inFrame: 0, outFrame: frames, gainDb: 0, fadeInFrames: 0, fadeOutFrames: 0,
    },
  })
  return id
}
