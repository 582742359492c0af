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

/** A new shot card's size on the canvas. */
export const SHOT_W = 360
export const SHOT_H = 424

/** A new shot: what the canvas's shot tool and the API's `shot.create` both start from. */
export function defaultShotProps(): TShotProps {
  return { w: SHOT_W, h: SHOT_H, title: 'Untitled shot', prompt: '', model: 'previz', duration: 4, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [] }
}

export const shotShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
