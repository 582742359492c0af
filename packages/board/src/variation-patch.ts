import { z } from 'zod'
import { ZShapeId } from '@montage/core'
import { VARIATION_SERVER_PROPS, variationShapeProps, type TVariationProps, type TVariationServerProps } from './shapes'

/**
 * The server-written props a command may name. `version` is not one of them: the collab-server
 * numbers a variation itself when a command first reaches it (`applyBoardCommand`), so no writer
 * (a workflow, the API) can give or change it.
 */
export const VARIATION_PATCH_PROPS = VARIATION_SERVER_PROPS.filter((key): key is Exclude<keyof TVariationServerProps, 'version'> => key !== 'version')
type TServerProp = (typeof VARIATION_PATCH_PROPS)[number]

/**
 * What a board command may write beyond what the record allows: a placeholder's record holds ''
 * where a command always names a shape, a command's numbers are never negative, its tags and
 * digests keep to their form. Each rule narrows the record's own validator, never widens it.
 */
const COMMAND_RULES: { [K in TServerProp]?: z.ZodType<TVariationProps[K], TVariationProps[K]> } = {
  shotId: ZShapeId,
  referenceIds: z.array(ZShapeId),
  durationSeconds: z.number().nonnegative(),
  cost: z.number().nonnegative(),
  /** Lineage of an edit: the variation it was made from. */
  parentVariationId: ZShapeId,
  /** Provenance: the references' @tags (without the @). */
  referenceTags: z.array(z.string().max(64)).max(16),
  stripFrames: z.number().int().nonnegative(),
  /** The ≤720p web proxy of a video output larger than 720p; '' when the output plays as is. */
  proxySha256: z.string().regex(/^([a-f0-9]{64})?$/, 'must be a sha256 hex digest or empty'),
}

/** One field of the patch: the record's validator (tldraw's), then the command's own rule if it has one. */
function patchField<K extends TServerProp>(key: K): z.ZodType<TVariationProps[K]> {
  const validator = variationShapeProps[key]
  const asRecord = z.custom<TVariationProps[K]>().superRefine((value, ctx) => {
    try {
      validator.validate(value)
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message })
    }
  })
  const rule = COMMAND_RULES[key]
  return rule ? asRecord.pipe(rule) : asRecord
}

/**
 * Fields of a variation a server-side writer (a board command) may set: every server-written prop
 * but its version (`VARIATION_PATCH_PROPS`), each checked by the shape's validator, all optional.
 */
export const ZVariationPatch = z
  .object(Object.fromEntries(VARIATION_PATCH_PROPS.map((key) => [key, patchField(key).optional()])) as { [K in TServerProp]: z.ZodOptional<z.ZodType<TVariationProps[K]>> })
  .strict()
export type TVariationPatch = z.infer<typeof ZVariationPatch>
