import { z } from 'zod'
import type { TModelDefinition } from './model-definition'
import { MODELS } from './models'

/*
 * The edit catalogue: operations that take a finished variation's output (a still or a clip)
 * rather than a shot brief. The local engine's edits are defined here; Runway's edit models
 * (Aleph, its upscaler) stay in RUNWAY_MODELS and are only named here.
 */

/** Time-of-day looks of the local relight. */
export const ZRelightPreset = z.enum(['golden_hour', 'blue_hour', 'night', 'overcast', 'neon'])
export type TRelightPreset = z.infer<typeof ZRelightPreset>

/** Parameters of the local relight: a preset look plus a key light from one side. */
export const ZRelightParams = z
  .object({
    preset: ZRelightPreset.default('golden_hour'),
    /** Where the key light comes from, in degrees: 0 from the right, 90 from the top, 180 from the left. */
    direction: z.number().min(0).max(360).default(135),
    /** Colour temperature of the key light in kelvin; the preset's own when absent. */
    temperature: z.number().min(1500).max(12000).optional(),
    /** 0 leaves the source untouched, 1 is the full look. */
    intensity: z.number().min(0).max(1).default(0.8),
  })
  .strict()
export type TRelightParams = z.infer<typeof ZRelightParams>

export const ZRestylePreset = z.enum(['anime', 'film_noir', 'watercolor', 'comic'])
export type TRestylePreset = z.infer<typeof ZRestylePreset>

/** Parameters of the local restyle: a stylization preset, stable from frame to frame. */
export const ZRestyleParams = z
  .object({
    preset: ZRestylePreset.default('anime'),
    /** 0 leaves the source untouched, 1 is the full style. */
    strength: z.number().min(0).max(1).default(1),
  })
  .strict()
export type TRestyleParams = z.infer<typeof ZRestyleParams>

/** Parameters of the local composite: a foreground over a new environment plate, relit to match. */
export const ZCompositeParams = z
  .object({
    /** `alpha`: the foreground's own alpha channel (an RGBA PNG); `chroma`: key out `keyColor`. */
    key: z.enum(['alpha', 'chroma']).default('alpha'),
    keyColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #00ff00').default('#00ff00'),
    /** Chroma distance (0..1) under which a pixel is fully keyed out. */
    similarity: z.number().min(0).max(1).default(0.25),
    /** Chroma distance over `similarity` across which the key fades in. */
    softness: z.number().min(0).max(1).default(0.1),
    /** How far the foreground's colour is pulled toward the environment's (0 none, 1 full). */
    match: z.number().min(0).max(1).default(0.6),
  })
  .strict()
export type TCompositeParams = z.infer<typeof ZCompositeParams>

export const ZUpscaleParams = z
  .object({
    factor: z.union([z.literal(2), z.literal(4)]).default(2),
  })
  .strict()
export type TUpscaleParams = z.infer<typeof ZUpscaleParams>

/** Frame interpolation doubles the frame rate (24 → 48 fps). */
export const ZInterpolateParams = z
  .object({
    factor: z.literal(2).default(2),
  })
  .strict()
export type TInterpolateParams = z.infer<typeof ZInterpolateParams>

/**
 * Edit operations of the local engine: they take an existing still or clip rather than a shot
 * brief, so they are kept apart from `MODELS` (the shot's Generate menu); `creditsPerSecond`
 * counts the source's seconds, a still counting as one (pricing.ts).
 */
export const LOCAL_EDIT_MODELS = {
  relight: {
    id: 'relight',
    label: 'Relight (local)',
    kind: 'video_edit',
    backend: 'local',
    taskQueue: 'gpu',
    needsReference: true,
    params: ZRelightParams,
    creditsPerSecond: 1,
    description: 'Time-of-day looks (golden hour, blue hour, night, overcast, neon) and a key light from one side, on stills and clips.',
  },
  restyle: {
    id: 'restyle',
    label: 'Restyle (local)',
    kind: 'video_edit',
    backend: 'local',
    taskQueue: 'gpu',
    needsReference: true,
    params: ZRestyleParams,
    creditsPerSecond: 1,
    description: 'Stylization (anime, film noir, watercolor, comic) that keeps the footage\'s motion and does not flicker.',
  },
  composite: {
    id: 'composite',
    label: 'Composite (local)',
    kind: 'video_edit',
    backend: 'local',
    taskQueue: 'gpu',
    needsReference: true,
    params: ZCompositeParams,
    creditsPerSecond: 1,
    description: 'A foreground (alpha PNG or chroma key) over a new environment plate, its colour matched to the plate.',
  },
  upscale: {
    id: 'upscale',
    label: 'Upscale 2×/4× (local)',
    kind: 'upscale',
    backend: 'local',
    taskQueue: 'gpu',
    needsReference: true,
    params: ZUpscaleParams,
    creditsPerSecond: 1,
    description: 'Bicubic upscale by 2 or 4 on our own workers.',
  },
  interpolate: {
    id: 'interpolate',
    label: 'Interpolate 24→48 fps (local)',
    kind: 'video_edit',
    backend: 'local',
    taskQueue: 'gpu',
    needsReference: true,
    params: ZInterpolateParams,
    creditsPerSecond: 1,
    description: 'Doubles the frame rate of a clip with an in-between frame for each pair.',
  },
} as const satisfies Record<string, TModelDefinition>

export type TLocalEditModelId = keyof typeof LOCAL_EDIT_MODELS

/** Runway models that take a clip and return an edited one (video→video, upscale). */
export const RUNWAY_EDIT_MODEL_IDS = ['aleph2', 'magnific_video_upscaler_creative', 'magnific_precision_upscaler_v2', 'upscale_v1'] as const
export type TRunwayEditModelId = (typeof RUNWAY_EDIT_MODEL_IDS)[number]
export type TEditModelId = TLocalEditModelId | TRunwayEditModelId

export const EDIT_MODEL_IDS: [TEditModelId, ...TEditModelId[]] = ['relight', 'restyle', 'upscale', 'interpolate', 'composite', ...RUNWAY_EDIT_MODEL_IDS]
export const ZEditModelId = z.enum(EDIT_MODEL_IDS)

/** Every edit model, local and Runway, by id: what an edit's input is typed by. */
export const EDIT_MODELS = {
  ...LOCAL_EDIT_MODELS,
  aleph2: MODELS.aleph2,
  magnific_video_upscaler_creative: MODELS.magnific_video_upscaler_creative,
  magnific_precision_upscaler_v2: MODELS.magnific_precision_upscaler_v2,
  upscale_v1: MODELS.upscale_v1,
} as const satisfies Record<TEditModelId, TModelDefinition>

export function isLocalEditModel(id: string): id is TLocalEditModelId {
  return Object.hasOwn(LOCAL_EDIT_MODELS, id)
}

/** What people read for a model id (a generation or an edit): its catalogue label, or the id itself when unknown. */
export function modelLabel(model: string): string {
  if (isLocalEditModel(model)) return LOCAL_EDIT_MODELS[model].label
  return Object.hasOwn(MODELS, model) ? MODELS[model as keyof typeof MODELS].label : model
}
