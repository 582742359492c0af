import { z } from 'zod'
import { ZAspectRatio, type TAspectRatio, type TModelDefinition } from './model-definition'
import { RUNWAY_MODELS } from './runway-models'

export const ZCameraMove = z.enum(['static', 'push_in', 'pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down'])
export type TCameraMove = z.infer<typeof ZCameraMove>

/** How a camera move's speed varies: eased in and out (the default), or constant. */
export const ZEasing = z.enum(['ease_in_out', 'linear'])
export type TEasing = z.infer<typeof ZEasing>

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

/** The models of a shot's Generate menu: the local previz and Runway's models (edits are in edit-models.ts). */
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

export type TModelId = keyof typeof MODELS
export const MODEL_IDS = Object.keys(MODELS) as [TModelId, ...TModelId[]]
export const ZModelId = z.enum(MODEL_IDS)

export function getModel(id: TModelId): (typeof MODELS)[TModelId] {
  return MODELS[id]
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
