import { z } from 'zod'
import { RUNWAY_MODELS } from './runway-models'

export const ZCameraMove = z.enum(['static', 'push_in', 'pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down'])
export type TCameraMove = z.infer<typeof ZCameraMove>

/** How a camera move's speed varies: eased in and out (the default), or constant. */
export const ZEasing = z.enum(['ease_in_out', 'linear'])
export type TEasing = z.infer<typeof ZEasing>

export const ZAspectRatio = z.enum(['16:9', '9:16', '1:1'])
export type TAspectRatio = z.infer<typeof ZAspectRatio>

/** Parameters of the local previz renderer: a camera move over a still plate. */
export const ZPrevizParams = z
  .object({
    duration: z.number().int().min(2).max(10),
    aspectRatio: ZAspectRatio.default('16:9'),
    /** 720p (1280×720, 720×1280, 720×720) or 1080p (1920×1080, 1080×1920, 1080×1080). */
    resolution: z.enum(['720p', '1080p']).default('720p'),
    cameraMove: ZCameraMove.default('push_in'),
    /** Final zoom factor of a push-in (or the start zoom of a pull-out). */
    zoom: z.number().min(1).max(3).default(1.3),
    easing: ZEasing.default('ease_in_out'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict()
export type TPrevizParams = z.infer<typeof ZPrevizParams>

export type TModelKind = 'text_to_video' | 'image_to_video' | 'text_to_image' | 'video_edit' | 'performance' | 'upscale'

export interface TModelDefinition<P extends z.ZodType = z.ZodType> {
  id: string
  label: string
  kind: TModelKind
  backend: 'local' | 'runway'
  /** Temporal task queue the model's activity runs on. */
  taskQueue: 'gpu' | 'hosted'
  /** Whether the model needs a reference image as its plate. */
  needsReference: boolean
  params: P
  /** Credits charged for one output second. */
  creditsPerSecond: number
  description: string
}

export const MODELS = {
  previz: {
    id: 'previz',
    label: 'Previz (local animatic)',
    kind: 'image_to_video',
    backend: 'local',
    taskQueue: 'gpu',
    needsReference: true,
    params: ZPrevizParams,
    creditsPerSecond: 1,
    description: 'Animatic renderer on our own GPU workers: a camera move over the reference image. Not a generative model.',
  },
  ...RUNWAY_MODELS,
} as const satisfies Record<string, TModelDefinition>

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
 * brief, so they are kept apart from `MODELS` (the shot's Generate menu) until the workflows
 * side routes them; `creditsPerSecond` counts output seconds, a still counting as one.
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

export type TModelId = keyof typeof MODELS
export const MODEL_IDS = Object.keys(MODELS) as [TModelId, ...TModelId[]]
export const ZModelId = z.enum(MODEL_IDS)

export function getModel(id: TModelId): (typeof MODELS)[TModelId] {
  return MODELS[id]
}

/** The price of one generation, in credits, before it runs. */
export function estimateCredits(model: TModelId, durationSeconds: number): number {
  return Math.ceil(MODELS[model].creditsPerSecond * durationSeconds)
}

/** Output frame size for an aspect ratio at 720p or 1080p. */
export function frameSize(aspectRatio: TAspectRatio, resolution: '720p' | '1080p' = '720p'): { width: number; height: number } {
  const short = resolution === '1080p' ? 1080 : 720
  const long = resolution === '1080p' ? 1920 : 1280
  switch (aspectRatio) {
    case '16:9':
      return { width: long, height: short }
    case '9:16':
      return { width: short, height: long }
    case '1:1':
      return { width: short, height: short }
  }
}
