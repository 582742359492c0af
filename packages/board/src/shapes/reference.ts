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
  /** Renditions made by the ingest workflow; empty until it is done (and for stills, strip and proxy stay empty). */
  posterSha256: string
  stripSha256: string
  /** Frames in the strip, each STRIP_FRAME_WIDTH px wide; 0 without a strip. */
  stripFrames: number
  proxySha256: string
  ingest: TReferenceIngest
  /** The workspace library reference this shape stands for, or '' for board-only media. */
  libraryId: string
}

export const REFERENCE_INGEST_STATES = ['pending', 'ready', 'failed'] as const
export type TReferenceIngest = (typeof REFERENCE_INGEST_STATES)[number]

/** A reference tag's most characters. */
export const REFERENCE_TAG_MAX = 32

/** The characters a reference tag (and its shared text) may hold. */
export const REFERENCE_TAG_CHARS = /^[a-z0-9_-]*$/

/**
 * The reference tag a text stands for: lowercased, anything but letters, digits, `-` and `_`
 * dropped, cut at 32 characters. Always a valid `tag` prop, whatever the text holds.
 */
export function referenceTagOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, '').slice(0, REFERENCE_TAG_MAX)
}

export const referenceShapeProps = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  tag: T.string.check((s) => {
    if (s.length > REFERENCE_TAG_MAX || !REFERENCE_TAG_CHARS.test(s)) throw new Error('tag must be lowercase letters, digits, - or _')
  }),
  kind: T.literalEnum(...REFERENCE_KINDS),
  assetSha256: T.string,
  mimeType: T.string,
  posterSha256: T.string,
  stripSha256: T.string,
  stripFrames: T.number,
  proxySha256: T.string,
  ingest: T.literalEnum(...REFERENCE_INGEST_STATES),
  libraryId: T.string,
}

const versions = createShapePropsMigrationIds(REFERENCE_SHAPE, { AddMedia: 1 })

const MEDIA_PROPS = ['posterSha256', 'stripSha256', 'stripFrames', 'proxySha256', 'ingest', 'libraryId'] as const

export const referenceShapeMigrations = createShapePropsMigrationSequence({
  sequence: [
    {
      id: versions.AddMedia,
      // Shapes made before ingest existed showed a finished still: nothing left to make. Only missing
      // props are filled: a board keeps its creation schema, so records the server wrote since at
      // this version come through here again on every load.
      up(props: Record<string, unknown>) {
        const media: Record<(typeof MEDIA_PROPS)[number], unknown> = { posterSha256: '', stripSha256: '', stripFrames: 0, proxySha256: '', ingest: 'ready', libraryId: '' }
        for (const key of MEDIA_PROPS) props[key] ??= media[key]
      },
      down(props: Record<string, unknown>) {
        for (const key of MEDIA_PROPS) delete props[key]
      },
    },
  ],
})

/** A reference (or plain media) shape before anything is attached. */
export function defaultReferenceProps(): TReferenceProps {
  return {
    w: 240,
    h: 240,
    tag: '',
    kind: 'character',
    assetSha256: '',
    mimeType: '',
    posterSha256: '',
    stripSha256: '',
    stripFrames: 0,
    proxySha256: '',
    ingest: 'ready',
    libraryId: '',
  }
}
