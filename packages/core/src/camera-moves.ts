import { z } from 'zod'

/*
 * The local previz's camera moves. The first seven move one window over the plate; the others are
 * a 2.5D previz: the plate is split into a near layer (the foreground) and a far one, which move at
 * different rates, so they need to know which part of the plate is near (`layers`). `keyframes`
 * moves a window through framings drawn on the plate (a push-in while panning, and so on).
 */
export const ZCameraMove = z.enum([
  'static',
  'push_in',
  'pull_out',
  'pan_left',
  'pan_right',
  'tilt_up',
  'tilt_down',
  'orbit',
  'arc_left',
  'arc_right',
  'crane_up',
  'crane_down',
  'dolly_zoom_in',
  'dolly_zoom_out',
  'keyframes',
])
export type TCameraMove = z.infer<typeof ZCameraMove>

/** The moves that move near and far layers at different rates (2.5D), so need `layers`. */
export const LAYERED_CAMERA_MOVES = ['orbit', 'arc_left', 'arc_right', 'crane_up', 'crane_down', 'dolly_zoom_in', 'dolly_zoom_out'] as const satisfies readonly TCameraMove[]
export type TLayeredCameraMove = (typeof LAYERED_CAMERA_MOVES)[number]

export function isLayeredMove(move: TCameraMove): move is TLayeredCameraMove {
  return (LAYERED_CAMERA_MOVES as readonly string[]).includes(move)
}

/** How a camera move's speed varies: eased in and out (the default), or constant. */
export const ZEasing = z.enum(['ease_in_out', 'linear'])
export type TEasing = z.infer<typeof ZEasing>

/** A fraction of the plate (as framed: centre-cropped to the shot's aspect), 0 at the left/top edge, 1 at the right/bottom. */
const ZPlateFraction = z.number().finite().min(0, 'must be inside the plate (0 to 1)').max(1, 'must be inside the plate (0 to 1)')

/** The foreground drawn on the plate: a rectangle or a polygon, in plate fractions. */
export const ZForegroundRegion = z.discriminatedUnion('shape', [
  z
    .object({ shape: z.literal('rect'), x: ZPlateFraction, y: ZPlateFraction, w: ZPlateFraction, h: ZPlateFraction })
    .strict()
    .superRefine((r, ctx) => {
      if (r.w < 0.01 || r.h < 0.01) ctx.addIssue({ code: 'custom', message: 'the foreground region is too small (under 1% of the plate a side)' })
      if (r.x + r.w > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['w'], message: 'the foreground region runs past the right edge of the plate' })
      if (r.y + r.h > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['h'], message: 'the foreground region runs past the bottom edge of the plate' })
    }),
  z
    .object({ shape: z.literal('polygon'), points: z.array(z.tuple([ZPlateFraction, ZPlateFraction])).min(3, 'a polygon needs at least 3 points').max(200) })
    .strict(),
])
export type TForegroundRegion = z.infer<typeof ZForegroundRegion>

/**
 * Which part of the plate is near, for a 2.5D move:
 * - `region`: the foreground drawn on the plate (feathered into a soft mask);
 * - `depth`: a depth map beside the plate (the shot's second reference; white is near), cut into layers;
 * - `matte`: a matted foreground beside the plate (the shot's second reference; its alpha, or its
 *   luma when it has none, is the foreground).
 */
export const ZPrevizLayers = z.discriminatedUnion('source', [
  z.object({ source: z.literal('region'), region: ZForegroundRegion }).strict(),
  z.object({ source: z.literal('depth') }).strict(),
  z.object({ source: z.literal('matte') }).strict(),
])
export type TPrevizLayers = z.infer<typeof ZPrevizLayers>

/**
 * One framing of a keyframed move: the square-in-fractions window (x, y, size) of the framed plate
 * the frame shows at time `t` (0 the first frame, 1 the last). The window keeps the shot's aspect.
 */
export const ZCameraKeyframe = z
  .object({
    t: z.number().finite().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    x: ZPlateFraction,
    y: ZPlateFraction,
    size: z.number().finite().min(1 / 3, 'a framing can be at most 3× closer than the whole plate').max(1, 'a framing cannot be larger than the plate'),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.x + k.size > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['x'], message: 'the framing runs past the right edge of the plate' })
    if (k.y + k.size > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['y'], message: 'the framing runs past the bottom edge of the plate' })
  })
export type TCameraKeyframe = z.infer<typeof ZCameraKeyframe>

export const ZCameraKeyframes = z
  .array(ZCameraKeyframe)
  .min(2, 'a keyframed move needs a start and an end framing')
  .max(8, 'a keyframed move takes at most 8 framings')
  .superRefine((keys, ctx) => {
    if (keys[0] && keys[0].t !== 0) ctx.addIssue({ code: 'custom', path: [0, 't'], message: 'the first framing must be at t = 0' })
    const last = keys.length - 1
    if (keys[last] && keys[last].t !== 1) ctx.addIssue({ code: 'custom', path: [last, 't'], message: 'the last framing must be at t = 1' })
    for (let i = 1; i < keys.length; i++) {
      if (keys[i]!.t <= keys[i - 1]!.t) ctx.addIssue({ code: 'custom', path: [i, 't'], message: `keyframes out of order: framing ${i} is not after framing ${i - 1}` })
    }
  })
