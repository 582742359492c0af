import { T } from '@tldraw/validate'
import { createShapePropsMigrationSequence } from '@tldraw/tlschema'
import { ZGenerationStatus, type TGenerationStatus } from '@montage/core'

export const VARIATION_SHAPE = 'variation' as const

export const REVIEW_STATES = ['pending', 'approved', 'changes_requested'] as const
export type TReviewState = (typeof REVIEW_STATES)[number]

export interface TVariationProps {
  w: number
  h: number
  shotId: string
  generationId: string
  status: TGenerationStatus
  /** sha256 of the output video (or image) and its poster; empty until the job succeeds. */
  assetSha256: string
  posterSha256: string
  mimeType: string
  durationSeconds: number
  /** Provenance: what made this output. */
  model: string
  prompt: string
  referenceIds: string[]
  cost: number
  /** Why it failed, in words a person can act on. */
  error: string
  reviewState: TReviewState
}

export const variationShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  shotId: T.string,
  generationId: T.string,
  status: T.literalEnum(...ZGenerationStatus.options),
  assetSha256: T.string,
  posterSha256: T.string,
  mimeType: T.string,
  durationSeconds: T.number,
  model: T.string,
  prompt: T.string,
  referenceIds: T.arrayOf(T.string),
  cost: T.number,
  error: T.string,
  reviewState: T.literalEnum(...REVIEW_STATES),
}

export const variationShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
