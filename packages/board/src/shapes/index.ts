import type { TReferenceProps } from './reference'
import type { TShotProps } from './shot'
import type { TVariationProps } from './variation'
import { REFERENCE_SHAPE, referenceShapeMigrations, referenceShapeProps } from './reference'
import { SHOT_SHAPE, shotShapeMigrations, shotShapeProps } from './shot'
import { VARIATION_SHAPE, variationShapeMigrations, variationShapeProps } from './variation'

export * from './reference'
export * from './shot'
export * from './variation'

declare module '@tldraw/tlschema' {
  interface TLGlobalShapePropsMap {
    [REFERENCE_SHAPE]: TReferenceProps
    [SHOT_SHAPE]: TShotProps
    [VARIATION_SHAPE]: TVariationProps
  }
}

/** Props and migrations of every Montage shape, keyed by shape type: what tldraw's schema needs. */
export const montageShapeSchemas = {
  [REFERENCE_SHAPE]: { props: referenceShapeProps, migrations: referenceShapeMigrations },
  [SHOT_SHAPE]: { props: shotShapeProps, migrations: shotShapeMigrations },
  [VARIATION_SHAPE]: { props: variationShapeProps, migrations: variationShapeMigrations },
}
