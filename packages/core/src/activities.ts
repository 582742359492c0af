import type { TGenerationOutput } from './generation'

/** Input of a local-engine render on the `gpu` queue. */
export interface TRenderPrevizInput {
  generationId: string
  workspaceId: string
  /** Already parsed with ZPrevizParams. */
  params: {
    duration: number
    aspectRatio: '16:9' | '9:16' | '1:1'
    cameraMove: 'static' | 'push_in' | 'pull_out' | 'pan_left' | 'pan_right' | 'tilt_up' | 'tilt_down'
    zoom: number
    seed?: number
  }
  /** sha256 of the plate image in the asset store. */
  plateSha256: string
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
}

export const GPU_ACTIVITY_NAMES = ['renderPreviz'] as const
