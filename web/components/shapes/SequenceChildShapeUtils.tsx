'use client'

import { Rectangle2d, ShapeUtil, type TLShape } from 'tldraw'
import { SEQUENCE_AUDIO_SHAPE, SEQUENCE_CLIP_SHAPE, sequenceAudioShapeMigrations, sequenceAudioShapeProps, sequenceClipShapeMigrations, sequenceClipShapeProps } from '@montage/board/client'

type TClipShape = TLShape<typeof SEQUENCE_CLIP_SHAPE>
type TAudioShape = TLShape<typeof SEQUENCE_AUDIO_SHAPE>

/** Shape types the canvas never shows on their own: the sequence's card draws them in its timeline. */
export const SEQUENCE_CHILD_TYPES = new Set<string>([SEQUENCE_CLIP_SHAPE, SEQUENCE_AUDIO_SHAPE])

/** What the sequence's children share: no picture, no handles, no resize; the card draws them. */
abstract class TimelineChildShapeUtil<S extends TClipShape | TAudioShape> extends ShapeUtil<S> {
  getGeometry(shape: S) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: false })
  }

  override canResize() {
    return false
  }

  override hideSelectionBoundsFg() {
    return true
  }

  component() {
    return null
  }

  override getIndicatorPath() {
    return undefined
  }
}

/**
 * A clip of a sequence: a record of its own (so a reorder and a trim made at once merge), drawn by
 * its sequence's timeline. On the canvas it is hidden (`getShapeVisibility`), so it cannot be
 * selected, dragged off or left lying around; deleting the sequence deletes it.
 */
export class SequenceClipShapeUtil extends TimelineChildShapeUtil<TClipShape> {
  static override type = SEQUENCE_CLIP_SHAPE
  static override props = sequenceClipShapeProps
  static override migrations = sequenceClipShapeMigrations

  getDefaultProps(): TClipShape['props'] {
    return { w: 1, h: 1, variationId: '', inFrame: 0, outFrame: 1, transition: 'cut', transitionFrames: 0, gainDb: 0 }
  }
}

/** A sound on one of a sequence's audio tracks; like a clip, drawn by the sequence's timeline. */
export class SequenceAudioShapeUtil extends TimelineChildShapeUtil<TAudioShape> {
  static override type = SEQUENCE_AUDIO_SHAPE
  static override props = sequenceAudioShapeProps
  static override migrations = sequenceAudioShapeMigrations

  getDefaultProps(): TAudioShape['props'] {
    return { w: 1, h: 1, trackId: '', assetSha256: '', mimeType: '', name: '', durationSeconds: 0, startFrame: 0, inFrame: 0, outFrame: 1, gainDb: 0, fadeInFrames: 0, fadeOutFrames: 0 }
  }
}
