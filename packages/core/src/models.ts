import { z } from 'zod'
import { ZAspectRatio, type TAspectRatio, type TModelDefinition } from './model-definition'
import { isLayeredMove, ZCameraKeyframes, ZCameraMove, ZEasing, ZPrevizLayers } from './camera-moves'
import { RUNWAY_MODELS } from './runway-models'

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
    /** Which part of the plate is near: needed by the 2.5D moves (orbit, arc, crane, dolly zoom). */
    layers: ZPrevizLayers.optional(),
    /** The framings of a `keyframes` move, drawn on the plate. */
    keyframes: ZCameraKeyframes.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const move = p.cameraMove
    if (isLayeredMove(move) && !p.layers) {
      ctx.addIssue({
        code: 'custom',
        path: ['layers'],
        message: `${move.replace(/_/g, ' ')} is a 2.5D move and needs layer information: draw the foreground on the plate, or pick a depth map or matte`,
      })
    }
    if (!isLayeredMove(move) && p.layers) ctx.addIssue({ code: 'custom', path: ['layers'], message: `${move.replace(/_/g, ' ')} moves the plate as one layer and takes no layers` })
    if (move === 'keyframes' && !p.keyframes) ctx.addIssue({ code: 'custom', path: ['keyframes'], message: 'a keyframed move needs its start and end framings drawn on the plate' })
    if (move !== 'keyframes' && p.keyframes) ctx.addIssue({ code: 'custom', path: ['keyframes'], message: 'keyframes are only taken by the keyframes move' })
  })
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
