import { ReferenceShapeUtil } from './ReferenceShapeUtil'
import { ShotShapeUtil } from './ShotShapeUtil'
import { VariationShapeUtil } from './VariationShapeUtil'

export { ReferenceShapeUtil, ShotShapeUtil, VariationShapeUtil }

/** Montage's shapes, in the order tldraw registers them. */
export const montageShapeUtils = [ReferenceShapeUtil, ShotShapeUtil, VariationShapeUtil] as const
