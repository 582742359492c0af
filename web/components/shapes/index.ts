import { ReferenceShapeUtil } from './ReferenceShapeUtil'
import { SequenceAudioShapeUtil, SequenceClipShapeUtil } from './SequenceChildShapeUtils'
import { SequenceShapeUtil } from './SequenceShapeUtil'
import { ShotShapeUtil } from './ShotShapeUtil'
import { VariationShapeUtil } from './VariationShapeUtil'

export { ReferenceShapeUtil, SequenceAudioShapeUtil, SequenceClipShapeUtil, SequenceShapeUtil, ShotShapeUtil, VariationShapeUtil }

/** Montage's shapes, in the order tldraw registers them. */
export const montageShapeUtils = [ReferenceShapeUtil, ShotShapeUtil, VariationShapeUtil, SequenceShapeUtil, SequenceClipShapeUtil, SequenceAudioShapeUtil] as const
