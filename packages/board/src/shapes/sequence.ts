import { T } from '@tldraw/validate'
import { createShapePropsMigrationSequence } from '@tldraw/tlschema'
import { SEQUENCE_FPS, SEQUENCE_LIMITS, ZAspectRatio, ZSequenceFit, ZTransitionKind, type TAspectRatio, type TSequenceFit, type TSequenceFps, type TTransitionKind } from '@montage/core'

/*
 * A sequence lives on the board as three kinds of record, so that people editing it together
 * merge: the `sequence` shape (its settings and audio tracks), one `sequence-clip` child per clip
 * of the picture track, ordered by the child's tldraw `index` (a reorder rewrites only the moved
 * clip's index, a trim only that clip's in/out), and one `sequence-audio` child per sound placed
 * on an audio track. Renders of the sequence are `variation` shapes whose `shotId` is the
 * sequence's id, so they are reviewed like any variation.
 */

export const SEQUENCE_SHAPE = 'sequence' as const
export const SEQUENCE_CLIP_SHAPE = 'sequence-clip' as const
export const SEQUENCE_AUDIO_SHAPE = 'sequence-audio' as const

export interface TSequenceAudioTrack {
  id: string
  name: string
  gainDb: number
  muted: boolean
}

export interface TSequenceProps {
  w: number
  h: number
  title: string
  fps: TSequenceFps
  aspectRatio: TAspectRatio
  fit: TSequenceFit
  /** Marked for delivery: only approved variations may enter, and a render for delivery needs every clip approved. */
  delivery: boolean
  audioTracks: TSequenceAudioTrack[]
}

export interface TSequenceClipProps {
  w: number
  h: number
  /** The variation this clip shows (its full output renders; its proxy plays). */
  variationId: string
  /** In and out points in frames at the sequence's rate, from the start of the source; out exclusive. */
  inFrame: number
  outFrame: number
  /** How the clip begins: a cut, or a crossfade over the previous clip's last `transitionFrames`. */
  transition: TTransitionKind
  transitionFrames: number
  gainDb: number
}

export interface TSequenceAudioProps {
  w: number
  h: number
  /** The audio track (`TSequenceProps.audioTracks[].id`) this sound sits on. */
  trackId: string
  assetSha256: string
  mimeType: string
  name: string
  durationSeconds: number
  /** Where it starts on the sequence, and the part of the sound used, in frames. */
  startFrame: number
  inFrame: number
  outFrame: number
  gainDb: number
  fadeInFrames: number
  fadeOutFrames: number
}

const frame = T.integer.check((n) => {
  if (n < 0 || n > SEQUENCE_LIMITS.maxFrames) throw new Error(`must be between 0 and ${SEQUENCE_LIMITS.maxFrames} frames`)
})
const gainDb = T.number.check((n) => {
  if (n < SEQUENCE_LIMITS.minGainDb || n > SEQUENCE_LIMITS.maxGainDb) throw new Error(`gain must be between ${SEQUENCE_LIMITS.minGainDb} and ${SEQUENCE_LIMITS.maxGainDb} dB`)
})
const shortText = (max: number) =>
  T.string.check((s) => {
    if (s.length > max) throw new Error(`must be at most ${max} characters`)
  })

export const sequenceShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  title: shortText(200),
  fps: T.literalEnum(...SEQUENCE_FPS),
  aspectRatio: T.literalEnum(...ZAspectRatio.options),
  fit: T.literalEnum(...ZSequenceFit.options),
  delivery: T.boolean,
  audioTracks: T.arrayOf(T.object({ id: T.string, name: shortText(100), gainDb, muted: T.boolean })).check((tracks) => {
    if (tracks.length > SEQUENCE_LIMITS.audioTracks) throw new Error(`a sequence has at most ${SEQUENCE_LIMITS.audioTracks} audio tracks`)
  }),
}

export const sequenceClipShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  variationId: T.string,
  inFrame: frame,
  outFrame: frame,
  transition: T.literalEnum(...ZTransitionKind.options),
  transitionFrames: frame,
  gainDb,
}

export const sequenceAudioShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  trackId: T.string,
  assetSha256: T.string,
  mimeType: T.string,
  name: shortText(200),
  durationSeconds: T.number,
  startFrame: frame,
  inFrame: frame,
  outFrame: frame,
  gainDb,
  fadeInFrames: frame,
  fadeOutFrames: frame,
}

export const sequenceShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const sequenceClipShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const sequenceAudioShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
