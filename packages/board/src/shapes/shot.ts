import { T } from '@tldraw/validate'
import { createShapePropsMigrationSequence } from '@tldraw/tlschema'
import { MODEL_IDS, ZAspectRatio, ZCameraMove, type TAspectRatio, type TCameraMove, type TModelId } from '@montage/core'

export const SHOT_SHAPE = 'shot' as const

export interface TShotProps {
  w: number
  h: number
  title: string
  prompt: string
  model: TModelId
  duration: number
  aspectRatio: TAspectRatio
  cameraMove: TCameraMove
  /** Ids of the reference shapes this shot uses, in order. */
  referenceIds: string[]
}

export const shotShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  title: T.string,
  prompt: T.string,
  model: T.literalEnum(...MODEL_IDS),
  duration: T.integer,
  aspectRatio: T.literalEnum(...ZAspectRatio.options),
  cameraMove: T.literalEnum(...ZCameraMove.options),
  referenceIds: T.arrayOf(T.string),
}

export const shotShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
