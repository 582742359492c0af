import { z } from 'zod'
import { ZCompositeParams, ZInterpolateParams, ZRelightParams, ZRestyleParams, ZUpscaleParams } from './edit-models'
import { ZSha256, type TGenerationOutput } from './generation'
import { ZJobProgressMessage, ZJobProgressTarget } from './job-progress'
import type { TIngestAssetInput, TIngestAssetOutput } from './library'
import { ZPrevizParams } from './models'
import { ZEditFocus } from './review'
import { ZSequenceTimeline } from './sequence'

/*
 * The inputs of the `gpu` queue's activities. The workflows type their calls with them and the
 * gpu-worker parses what it receives with the same schemas. Each type is the schema's input:
 * what a caller may send (defaults may be left out, as in inputs recorded before a param existed).
 */

/** A job's id as the gpu-worker takes it: it names scratch folders, so letters, digits, - and _ only. */
export const ZJobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of letters, digits, - or _')

const ZJobFields = ZJobProgressTarget.extend({
  generationId: ZJobId,
  workspaceId: z.string().min(1),
})

/** Input of a previz render: a camera move over a plate image. */
export const ZRenderPrevizInput = ZJobFields.extend({
  params: ZPrevizParams,
  /** sha256 of the plate image in the asset store. */
  plateSha256: ZSha256,
  /** sha256 of the depth map or matte beside the plate (the shot's second reference), for a 2.5D move that takes one. */
  layerSha256: ZSha256.optional(),
}).superRefine((job, ctx) => {
  const source = job.params.layers?.source
  if ((source === 'depth' || source === 'matte') && !job.layerSha256) {
    ctx.addIssue({ code: 'custom', path: ['layerSha256'], message: `layers from a ${source === 'depth' ? 'depth map' : 'matte'} need that image as the shot's second reference` })
  }
})
export type TRenderPrevizInput = z.input<typeof ZRenderPrevizInput>

/** Input of a local-engine edit of one stored still or clip. */
const ZEditSourceFields = ZJobFields.extend({
  /** sha256 of the source (a PNG, JPEG or WebP still, or a video) in the asset store. */
  sourceSha256: ZSha256,
})

/** Relight and restyle change pixels in place, so an edit from a comment can keep them to its focus. */
export const ZRelightInput = ZEditSourceFields.extend({ params: ZRelightParams, focus: ZEditFocus.optional() })
export type TRelightInput = z.input<typeof ZRelightInput>
export const ZRestyleInput = ZEditSourceFields.extend({ params: ZRestyleParams, focus: ZEditFocus.optional() })
export type TRestyleInput = z.input<typeof ZRestyleInput>
export const ZUpscaleInput = ZEditSourceFields.extend({ params: ZUpscaleParams })
export type TUpscaleInput = z.input<typeof ZUpscaleInput>
export const ZInterpolateInput = ZEditSourceFields.extend({ params: ZInterpolateParams })
export type TInterpolateInput = z.input<typeof ZInterpolateInput>

/** Input of a composite: a foreground (alpha still/clip, or one to chroma-key) over an environment. */
export const ZCompositeInput = ZJobFields.extend({
  foregroundSha256: ZSha256,
  /** The new environment plate, still or clip; it sets the output size. */
  backgroundSha256: ZSha256,
  params: ZCompositeParams,
})
export type TCompositeInput = z.input<typeof ZCompositeInput>

/**
 * Input of a sequence render: the timeline as the board held it when Render was pressed (so a
 * retry of the activity renders the same cut), and whether a ProRes finishing master is wanted.
 */
export const ZRenderSequenceInput = ZJobFields.extend({
  timeline: ZSequenceTimeline,
  prores: z.boolean().default(false),
})
export type TRenderSequenceInput = z.input<typeof ZRenderSequenceInput>

/** A sequence render's outputs: the H.264 master's and, when asked, the ProRes 422 HQ mov's. */
export type TRenderSequenceOutput = TGenerationOutput & {
  proresSha256?: string
  proresByteSize?: number
}

/** Progress a model activity reports (heartbeat details and NATS `job.<id>.progress`). */
export const ZJobProgress = ZJobProgressMessage.pick({ generationId: true, stage: true, progress: true })
export type TJobProgress = z.infer<typeof ZJobProgress>

/** Activities that run on gpu-worker, by name. Workflows import this type only. */
export interface TGpuActivities {
  renderPreviz(input: TRenderPrevizInput): Promise<TGenerationOutput>
  relight(input: TRelightInput): Promise<TGenerationOutput>
  restyle(input: TRestyleInput): Promise<TGenerationOutput>
  composite(input: TCompositeInput): Promise<TGenerationOutput>
  upscale(input: TUpscaleInput): Promise<TGenerationOutput>
  interpolate(input: TInterpolateInput): Promise<TGenerationOutput>
  /** Probe, poster, thumbnail strip and (video) web proxy of an upload; idempotent by asset id. */
  ingestAsset(input: TIngestAssetInput): Promise<TIngestAssetOutput>
  /** Conforms, joins and mixes a sequence's clips and sounds into one mp4 (and a ProRes mov when asked). */
  renderSequence(input: TRenderSequenceInput): Promise<TRenderSequenceOutput>
}

export const GPU_ACTIVITY_NAMES = ['renderPreviz', 'relight', 'restyle', 'composite', 'upscale', 'interpolate', 'ingestAsset', 'renderSequence'] as const
