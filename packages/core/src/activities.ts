import type { TGenerationOutput } from './generation'
import type { TIngestAssetInput, TIngestAssetOutput } from './library'
import type { TEditFocus } from './review'
import type { TJobProgressTarget } from './job-progress'
import type { TCompositeParams, TInterpolateParams, TRelightParams, TRestyleParams, TUpscaleParams } from './models'

/** Input of a local-engine render on the `gpu` queue. */
export interface TRenderPrevizInput extends TJobProgressTarget {
  generationId: string
  workspaceId: string
  /** Already parsed with ZPrevizParams. */
  params: {
    duration: number
    aspectRatio: '16:9' | '9:16' | '1:1'
    cameraMove: 'static' | 'push_in' | 'pull_out' | 'pan_left' | 'pan_right' | 'tilt_up' | 'tilt_down'
    zoom: number
    /** Absent means ease_in_out (inputs recorded before easing existed). */
    easing?: 'ease_in_out' | 'linear'
    seed?: number
  }
  /** sha256 of the plate image in the asset store. */
  plateSha256: string
}

/** Input of a local-engine edit of one stored still or clip. */
export interface TEditSourceInput<P> extends TJobProgressTarget {
  generationId: string
  workspaceId: string
  /** sha256 of the source (a PNG, JPEG or WebP still, or a video) in the asset store. */
  sourceSha256: string
  /** Parsed with the operation's schema in packages/core/src/models.ts (ZRelightParams, …). */
  params: P
}

/** Relight and restyle change pixels in place, so an edit from a comment can keep them to its focus. */
export type TRelightInput = TEditSourceInput<TRelightParams> & { focus?: TEditFocus }
export type TRestyleInput = TEditSourceInput<TRestyleParams> & { focus?: TEditFocus }
export type TUpscaleInput = TEditSourceInput<TUpscaleParams>
export type TInterpolateInput = TEditSourceInput<TInterpolateParams>

/** Input of a composite: a foreground (alpha still/clip, or one to chroma-key) over an environment. */
export interface TCompositeInput extends TJobProgressTarget {
  generationId: string
  workspaceId: string
  foregroundSha256: string
  /** The new environment plate, still or clip; it sets the output size. */
  backgroundSha256: string
  params: TCompositeParams
}

/** Progress a model activity reports (heartbeat details and NATS `job.<id>.progress`). */
export interface TJobProgress {
  generationId: string
  stage: 'queued' | 'rendering' | 'encoding' | 'storing'
  /** 0..1 */
  progress: number
}

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
}

export const GPU_ACTIVITY_NAMES = ['renderPreviz', 'relight', 'restyle', 'composite', 'upscale', 'interpolate', 'ingestAsset'] as const
