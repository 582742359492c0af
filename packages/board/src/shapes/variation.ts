import { T } from '@tldraw/validate'
import { createShapePropsMigrationIds, createShapePropsMigrationSequence, type RecordProps, type TLBaseShape } from '@tldraw/tlschema'
import { ZGenerationStatus, type TGenerationStatus } from '@montage/core'

export const VARIATION_SHAPE = 'variation' as const

export const REVIEW_STATES = ['pending', 'approved', 'changes_requested'] as const
export type TReviewState = (typeof REVIEW_STATES)[number]

/**
 * A variation's fields, defined here once: the validators below are typed against them (a field
 * missing there or of another type does not compile), and the board command's patch
 * (`ZVariationPatch`) is derived from those validators.
 */
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
  /** Lineage: the variation this one is an edit of (relight, restyle, …); empty for a generation from the shot. */
  parentVariationId: string
  /** Provenance: the @tags of the references the model was given, as the prompt named them. */
  referenceTags: string[]
  /** Hover-scrub: a horizontal strip of `stripFrames` equal-width stills; empty for stills or before ingest. */
  stripSha256: string
  stripFrames: number
  /** The ≤720p H.264 web proxy the card and review play; empty when the output is small enough to play as is. */
  proxySha256: string
  /**
   * The version number within its shot (v1, v2, …): given once by the server when the variation's
   * first board command reaches it (0 until then), never reused in that shot and never renumbered.
   */
  version: number
}

/**
 * Everything but the card's size is the server's to write (board commands): the shot it belongs
 * to, the job's status and results, provenance, cost and the review decision.
 */
export const VARIATION_SERVER_PROPS = [
  'shotId',
  'generationId',
  'status',
  'assetSha256',
  'posterSha256',
  'mimeType',
  'durationSeconds',
  'model',
  'prompt',
  'referenceIds',
  'cost',
  'error',
  'reviewState',
  'parentVariationId',
  'referenceTags',
  'stripSha256',
  'stripFrames',
  'proxySha256',
  'version',
] as const satisfies readonly (keyof TVariationProps)[]
export type TVariationServerProps = Pick<TVariationProps, (typeof VARIATION_SERVER_PROPS)[number]>

/** The variation record as tldraw stores it. */
export type TVariationShape = TLBaseShape<typeof VARIATION_SHAPE, TVariationProps>

export const variationShapeProps: RecordProps<TVariationShape> = {
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
  parentVariationId: T.string,
  referenceTags: T.arrayOf(T.string),
  stripSha256: T.string,
  stripFrames: T.number,
  proxySha256: T.string,
  version: T.positiveInteger,
}

const versions = createShapePropsMigrationIds(VARIATION_SHAPE, { AddParentVariation: 1, AddTagsAndStrip: 2, AddProxy: 3, AddVersion: 4 })

/*
 * Each `up` only fills a prop that is missing: a board keeps the schema it was created with, while
 * the server writes records at the current version, so a load migrates those records again and a
 * plain assignment would wipe what the server wrote (a strip, tags, a proxy).
 */
export const variationShapeMigrations = createShapePropsMigrationSequence({
  sequence: [
    {
      id: versions.AddParentVariation,
      // Variations made before edits existed came straight from their shot.
      up(props: Record<string, unknown>) {
        props.parentVariationId ??= ''
      },
      down(props: Record<string, unknown>) {
        delete props.parentVariationId
      },
    },
    {
      id: versions.AddTagsAndStrip,
      // Older variations kept no tags and had no strip: they show their poster without scrubbing.
      up(props: Record<string, unknown>) {
        props.referenceTags ??= []
        props.stripSha256 ??= ''
        props.stripFrames ??= 0
      },
      down(props: Record<string, unknown>) {
        delete props.referenceTags
        delete props.stripSha256
        delete props.stripFrames
      },
    },
    {
      id: versions.AddProxy,
      // Older variations had no proxy: they keep playing their output.
      up(props: Record<string, unknown>) {
        props.proxySha256 ??= ''
      },
      down(props: Record<string, unknown>) {
        delete props.proxySha256
      },
    },
    {
      id: versions.AddVersion,
      // Unnumbered until the server numbers the board's variations per shot, in creation order
      // (`numberVariations`, when the collab-server loads the board).
      up(props: Record<string, unknown>) {
        props.version ??= 0
      },
      down(props: Record<string, unknown>) {
        delete props.version
      },
    },
  ],
})

/** Width of a variation card on the board; its height follows the shot's aspect ratio. */
export const VARIATION_W = 320
export const VARIATION_GAP = 24
/** The strip under a variation's media (version, status, actions): the card on the canvas is `h` plus this tall. */
export const VARIATION_FOOTER_H = 32

/** Width over height of an aspect ratio written `16:9`. */
export function aspectOf(ratio: string): number {
  const [w, h] = ratio.split(':').map(Number)
  return w && h ? w / h : 16 / 9
}

/** Where the `n`-th variation of a shot goes (from 0): in a row to the shot's right. */
export function variationSlot(shot: { x: number; y: number; w: number; aspectRatio: string }, n: number): { x: number; y: number; w: number; h: number } {
  return {
    x: shot.x + shot.w + VARIATION_GAP + n * (VARIATION_W + VARIATION_GAP),
    y: shot.y,
    w: VARIATION_W,
    h: Math.round(VARIATION_W / aspectOf(shot.aspectRatio)),
  }
}

/** A variation before anything is known about its output: queued, pending review. */
export function defaultVariationProps(aspect = 16 / 9): TVariationProps {
  return {
    w: VARIATION_W,
    h: Math.round(VARIATION_W / aspect),
    shotId: '',
    generationId: '',
    status: 'queued',
    assetSha256: '',
    posterSha256: '',
    mimeType: '',
    durationSeconds: 0,
    model: '',
    prompt: '',
    referenceIds: [],
    cost: 0,
    error: '',
    reviewState: 'pending',
    parentVariationId: '',
    referenceTags: [],
    stripSha256: '',
    stripFrames: 0,
    proxySha256: '',
    version: 0,
  }
}
