import { T } from '@tldraw/validate'
import { createShapePropsMigrationIds, createShapePropsMigrationSequence } from '@tldraw/tlschema'

export const REFERENCE_SHAPE = 'reference' as const

export const REFERENCE_KINDS = ['character', 'product', 'location', 'style'] as const
export type TReferenceKind = (typeof REFERENCE_KINDS)[number]

export interface TReferenceProps {
  w: number
  h: number
  /** The `@tag` prompts use, without the `@`. */
  tag: string
  kind: TReferenceKind
  /** sha256 of the image in the asset store; empty while nothing is attached. */
  assetSha256: string
  mimeType: string
}

export const referenceShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  tag: T.string.check((s) => {
    if (!/^[a-z0-9_-]{0,32}$/.test(s)) throw new Error('tag must be lowercase letters, digits, - or _')
  }),
  kind: T.literalEnum(...REFERENCE_KINDS),
  assetSha256: T.string,
  mimeType: T.string,
}

const versions = createShapePropsMigrationIds(REFERENCE_SHAPE, {})
export const referenceShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
void versions
