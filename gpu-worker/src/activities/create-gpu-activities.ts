import { Context } from '@temporalio/activity'
import { ApplicationFailure, CancelledFailure } from '@temporalio/common'
import type { AssetStore } from '@montage/assets'
import { AppError, AppErrorCode, subjects, type TGenerationOutput, type TGpuActivities, type TJobProgress, type TJobProgressMessage, type TJobProgressTarget } from '@montage/core'
import type { NatsConnection } from '@nats-io/nats-core'
import type { MediaEngine } from '../engine/MediaEngine'
import { compositeJob } from '../render/composite-job'
import { ingestAssetJob } from '../render/ingest-asset-job'
import { interpolateJob } from '../render/interpolate-job'
import { relightJob } from '../render/relight-job'
import { renderPrevizJob, type TRenderPrevizJobHooks } from '../render/render-previz-job'
import { renderSequenceJob } from '../render/render-sequence-job'
import { restyleJob } from '../render/restyle-job'
import { upscaleJob } from '../render/upscale-job'

export interface TCreateGpuActivitiesOptions {
  store: AssetStore
  engine: MediaEngine
  /** When given, progress is also published on `job.<id>.progress` for the board. */
  nats?: Pick<NatsConnection, 'publish'>
  /** Least time between two progress reports (heartbeats and NATS), in ms. */
  progressIntervalMs?: number
}

/** Codes that no retry can fix: the input itself is wrong. */
const NON_RETRYABLE: ReadonlySet<string> = new Set([
  AppErrorCode.BAD_REQUEST,
  AppErrorCode.NOT_FOUND,
  AppErrorCode.UNSUPPORTED_MEDIA,
  AppErrorCode.PAYLOAD_TOO_LARGE,
])

/**
 * The activities of the `gpu` task queue, bound to this process's store and engine. Each wraps a
 * plain job function with the same conventions: heartbeats and NATS progress (throttled),
 * cancellation through the activity's signal (the job kills its ffmpeg and removes its scratch
 * folder; CancelledFailure is rethrown), and bad input as a non-retryable ApplicationFailure whose
 * type is the AppErrorCode and whose details name the field.
 */
export function createGpuActivities(options: TCreateGpuActivitiesOptions): TGpuActivities {
  const { store, engine, nats, progressIntervalMs = 250 } = options
  const deps = { store, engine }

  /** `target`: the board and variation the job renders for, added to what is published so the collab-server can route it. */
  async function run<T = TGenerationOutput>(target: TJobProgressTarget, job: (hooks: TRenderPrevizJobHooks) => Promise<T>): Promise<T> {
    const context = Context.current()
    const encoder = new TextEncoder()
    let lastReport = 0
    let lastDetails: { stage: TJobProgress['stage']; progress: number } = { stage: 'queued', progress: 0 }
    // Copying a blob from or to S3 reports no progress of its own: the heartbeat goes on meanwhile.
    const keepAlive = setInterval(() => context.heartbeat(lastDetails), 3_000)
    const onProgress = (progress: TJobProgress) => {
      const now = Date.now()
      // Stage changes and the final report always go out; in-between ones are throttled.
      if (now - lastReport < progressIntervalMs && progress.progress < 1 && progress.progress > 0) return
      lastReport = now
      lastDetails = { stage: progress.stage, progress: progress.progress }
      context.heartbeat(lastDetails)
      try {
        const message: TJobProgressMessage | TJobProgress = target.boardId && target.variationId ? { ...progress, boardId: target.boardId, variationId: target.variationId } : progress
        nats?.publish(subjects.jobProgress(progress.generationId), encoder.encode(JSON.stringify(message)))
      } catch (e) {
        // Progress is the fast path, never the record: a closed connection must not fail a render.
        context.log.warn('Could not publish job progress', { generationId: progress.generationId, error: String(e) })
      }
    }
    try {
      return await job({ signal: context.cancellationSignal, onProgress })
    } catch (e) {
      if (context.cancellationSignal.aborted) {
        throw context.cancellationSignal.reason instanceof CancelledFailure ? context.cancellationSignal.reason : e
      }
      if (e instanceof AppError && NON_RETRYABLE.has(e.code)) {
        throw ApplicationFailure.nonRetryable(e.message, e.code, ...(e.field ? [{ field: e.field }] : []))
      }
      throw e
    } finally {
      clearInterval(keepAlive)
    }
  }

  return {
    renderPreviz: (input) => run(input, (hooks) => renderPrevizJob(deps, input, hooks)),
    relight: (input) => run(input, (hooks) => relightJob(deps, input, hooks)),
    restyle: (input) => run(input, (hooks) => restyleJob(deps, input, hooks)),
    composite: (input) => run(input, (hooks) => compositeJob(deps, input, hooks)),
    upscale: (input) => run(input, (hooks) => upscaleJob(deps, input, hooks)),
    interpolate: (input) => run(input, (hooks) => interpolateJob(deps, input, hooks)),
    // Progress goes out under the asset id; no variation to route it to.
    ingestAsset: (input) =>
      run({}, (hooks) => ingestAssetJob(deps, input, { ...hooks, onWarning: (message) => Context.current().log.warn(message, { assetId: input.assetId }) })),
    renderSequence: (input) => run(input, (hooks) => renderSequenceJob(deps, input, hooks)),
  }
}
