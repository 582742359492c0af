import { Context } from '@temporalio/activity'
import { ApplicationFailure, CancelledFailure } from '@temporalio/common'
import type { AssetStore } from '@montage/assets'
import { AppError, AppErrorCode, subjects, type TGpuActivities, type TJobProgress } from '@montage/core'
import type { NatsConnection } from 'nats'
import type { MediaEngine } from '../engine/MediaEngine'
import { renderPrevizJob } from '../render/render-previz-job'

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

/** The activities of the `gpu` task queue, bound to this process's store and engine. */
export function createGpuActivities(options: TCreateGpuActivitiesOptions): TGpuActivities {
  const { store, engine, nats, progressIntervalMs = 250 } = options
  return {
    async renderPreviz(input) {
      const context = Context.current()
      const encoder = new TextEncoder()
      let lastReport = 0
      const onProgress = (progress: TJobProgress) => {
        const now = Date.now()
        // Stage changes and the final report always go out; in-between ones are throttled.
        if (now - lastReport < progressIntervalMs && progress.progress < 1 && progress.progress > 0) return
        lastReport = now
        context.heartbeat({ stage: progress.stage, progress: progress.progress })
        try {
          nats?.publish(subjects.jobProgress(progress.generationId), encoder.encode(JSON.stringify(progress)))
        } catch (e) {
          // Progress is the fast path, never the record: a closed connection must not fail a render.
          context.log.warn('Could not publish job progress', { error: String(e) })
        }
      }
      try {
        return await renderPrevizJob({ store, engine }, input, { signal: context.cancellationSignal, onProgress })
      } catch (e) {
        if (context.cancellationSignal.aborted) {
          throw context.cancellationSignal.reason instanceof CancelledFailure ? context.cancellationSignal.reason : e
        }
        if (e instanceof AppError && NON_RETRYABLE.has(e.code)) {
          throw ApplicationFailure.nonRetryable(e.message, e.code, ...(e.field ? [{ field: e.field }] : []))
        }
        throw e
      }
    },
  }
}
