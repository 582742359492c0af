import { z } from 'zod'
import type { TLShape } from 'tldraw'
import { isLayeredMove, MODELS, type TCameraMove, type TModelId } from '@montage/core'

/** A shot parameter the card can offer, with the values the chosen model allows. */
export type TParamField =
  | { key: string; kind: 'select'; options: readonly (string | number)[]; defaultValue: string | number }
  | { key: string; kind: 'toggle'; defaultValue: boolean }

/** Parameters the shot card shows, in this order; others (seed, zoom, easing) keep their defaults. */
const SHOWN = ['duration', 'aspectRatio', 'cameraMove', 'resolution', 'keyframes', 'audio', 'quality', 'scaleFactor', 'flavor', 'expressionIntensity', 'bodyControl', 'voice', 'loop'] as const

/** More choices than this in a numeric range would be a wall of options; none of ours has more than 30. */
const MAX_RANGE_OPTIONS = 60

function unwrap(schema: z.ZodType): { inner: z.ZodType; defaultValue: unknown } {
  let inner = schema
  let defaultValue: unknown
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      defaultValue ??= inner.def.defaultValue
      inner = inner.unwrap() as z.ZodType
    } else if (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType
    else return { inner, defaultValue }
  }
}

function fieldOf(key: string, schema: z.ZodType): TParamField | null {
  const { inner, defaultValue } = unwrap(schema)
  if (inner instanceof z.ZodEnum) {
    const options = inner.options as (string | number)[]
    return { key, kind: 'select', options, defaultValue: (defaultValue as string | undefined) ?? options[0]! }
  }
  // A choice among a few numbers (Veo's 4, 6 or 8 s; an upscale's 2× or 4×).
  if (inner instanceof z.ZodUnion && inner.options.every((o) => o instanceof z.ZodLiteral)) {
    const options = (inner.options as z.ZodLiteral[]).flatMap((o) => [...o.values] as (string | number)[])
    return { key, kind: 'select', options, defaultValue: (defaultValue as string | number | undefined) ?? options[0]! }
  }
  if (inner instanceof z.ZodBoolean) return { key, kind: 'toggle', defaultValue: (defaultValue as boolean | undefined) ?? false }
  if (inner instanceof z.ZodNumber) {
    const min = inner.minValue
    const max = inner.maxValue
    if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max) || max - min >= MAX_RANGE_OPTIONS) return null
    const options: number[] = []
    for (let v = Math.ceil(min); v <= max; v++) options.push(v)
    return { key, kind: 'select', options, defaultValue: (defaultValue as number | undefined) ?? options[0]! }
  }
  // A literal (a still's duration of 1) is no choice at all: nothing to show.
  return null
}

/** The fields the shot card shows for a model, read from its parameter schema in the catalogue. */
export function paramFieldsFor(model: TModelId): TParamField[] {
  const schema = MODELS[model].params
  if (!(schema instanceof z.ZodObject)) return []
  const shape = schema.shape as Record<string, z.ZodType>
  const fields: TParamField[] = []
  for (const key of SHOWN) {
    if (!shape[key]) continue
    const field = fieldOf(key, shape[key])
    if (field) fields.push(field)
  }
  return fields
}

/** A value the field allows: the given one when it does, the field's default otherwise. */
export function allowedValue(field: TParamField, value: unknown): string | number | boolean {
  if (field.kind === 'toggle') return typeof value === 'boolean' ? value : field.defaultValue
  if (field.options.includes(value as string | number)) return value as string | number
  // A duration the new model does not take: the nearest it does, not a jump back to its default.
  if (typeof value === 'number' && field.options.every((o) => typeof o === 'number')) {
    const nums = field.options as number[]
    return nums.reduce((best, o) => (Math.abs(o - value) < Math.abs(best - value) ? o : best), nums[0]!)
  }
  return field.defaultValue
}

/**
 * The params Generate sends for a model: exactly the fields it takes (its schema is strict), each
 * brought into its allowed values; what it does not take (a camera move for Runway) is left out.
 */
export function paramsForModel(model: TModelId, values: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const field of paramFieldsFor(model)) params[field.key] = allowedValue(field, values[field.key])
  // A 2.5D move's layers and a keyframed move's framings are drawn, not picked: they travel as the
  // shot holds them (the server's schema checks them), for the move that takes them only.
  const schema = MODELS[model].params
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {}
  const move = params.cameraMove
  if (shape.layers && typeof move === 'string' && isLayeredMove(move as TCameraMove) && values.layers !== undefined) params.layers = values.layers
  if (shape.keyframes && move === 'keyframes' && values.keyframes !== undefined) params.keyframes = values.keyframes
  return params
}

/** The values a shot holds for its parameters: its props plus the extras kept in `meta.params`. */
export function shotParamValues(shot: Pick<TLShape<'shot'>, 'props' | 'meta'>): Record<string, unknown> {
  const extras = shot.meta?.params
  return {
    ...(extras && typeof extras === 'object' && !Array.isArray(extras) ? extras : {}),
    duration: shot.props.duration,
    aspectRatio: shot.props.aspectRatio,
    cameraMove: shot.props.cameraMove,
  }
}
