import type { TReferenceProps } from './reference'
import type { TShotProps } from './shot'
import type { TSequenceAudioProps, TSequenceClipProps, TSequenceProps } from './sequence'
import type { TVariationProps } from './variation'
import { REFERENCE_SHAPE, referenceShapeMigrations, referenceShapeProps } from './reference'
import { SHOT_SHAPE, shotShapeMigrations, shotShapeProps } from './shot'
import {
  SEQUENCE_AUDIO_SHAPE,
  SEQUENCE_CLIP_SHAPE,
  SEQUENCE_SHAPE,
  sequenceAudioShapeMigrations,
  sequenceAudioShapeProps,
  sequenceClipShapeMigrations,
  sequenceClipShapeProps,
  sequenceShapeMigrations,
  sequenceShapeProps,
} from './sequence'
import { VARIATION_SHAPE, variationShapeMigrations, variationShapeProps } from './variation'

export * from './reference'
export * from './shot'
export * from './variation'
export * from './edit-slot'
export * from './sequence'

declare module '@tldraw/tlschema' {
  interface TLGlobalShapePropsMap {
    [REFERENCE_SHAPE]: TReferenceProps
    [SHOT_SHAPE]: TShotProps
    [VARIATION_SHAPE]: TVariationProps
    [SEQUENCE_SHAPE]: TSequenceProps
    [SEQUENCE_CLIP_SHAPE]: TSequenceClipProps
    [SEQUENCE_AUDIO_SHAPE]: TSequenceAudioProps
  }
}

/** Props and migrations of every Montage shape, keyed by shape type: what tldraw's schema needs. */
export const montageShapeSchemas = {
  [REFERENCE_SHAPE]: { props: referenceShapeProps, migrations: referenceShapeMigrations },
  [SHOT_SHAPE]: { props: shotShapeProps, migrations: shotShapeMigrations },
  [VARIATION_SHAPE]: { props: variationShapeProps, migrations: variationShapeMigrations },
  [SEQUENCE_SHAPE]: { props: sequenceShapeProps, migrations: sequenceShapeMigrations },
  [SEQUENCE_CLIP_SHAPE]: { props: sequenceClipShapeProps, migrations: sequenceClipShapeMigrations },
  [SEQUENCE_AUDIO_SHAPE]: { props: sequenceAudioShapeProps, migrations: sequenceAudioShapeMigrations },
}
