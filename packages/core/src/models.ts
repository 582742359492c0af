import { z } from 'zod'

export const ZCameraMove = z.enum(['static', 'push_in', 'pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down'])
export type TCameraMove = z.infer<typeof ZCameraMove>

export const ZAspectRatio = z.enum(['16:9', '9:16', '1:1'])
export type TAspectRatio = z.infer<typeof ZAspectRatio>

/** Parameters of the local previz renderer: a camera move over a still plate. */
export const ZPrevizParams = z
  .object({
    duration: z.number().int().min(2).max(10),
    aspectRatio: ZAspectRatio.default('16:9'),
    cameraMove: ZCameraMove.default('push_in'),
    /** Final zoom factor of a push-in (or the start zoom of a pull-out). */
    zoom: z.number().min(1).max(3).default(1.3),
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
} as const satisfies Record<string, TModelDefinition>

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

/** Output frame size for an aspect ratio at 720p. */
export function frameSize(aspectRatio: TAspectRatio): { width: number; height: number } {
  switch (aspectRatio) {
    case '16:9':
      return { width: 1280, height: 720 }
    case '9:16':
      return { width: 720, height: 1280 }
    case '1:1':
      return { width: 720, height: 720 }
  }
}
