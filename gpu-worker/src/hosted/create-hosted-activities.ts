import { Context } from '@temporalio/activity'
import { ApplicationFailure, CancelledFailure } from '@temporalio/common'
import type { AssetStore } from '@montage/assets'
import { AppError, AppErrorCode, isRunwayModel, modelAvailability, subjects, type THostedActivities, type TJobProgress, type TJobProgressMessage } from '@montage/core'
import type { NatsConnection } from '@nats-io/nats-core'
import type { TFfmpegPaths } from '../ffmpeg/ffmpeg-paths'
import { RunwayApiError, RunwayClient } from './runway/RunwayClient'
import { storeHostedRenditions } from './store-hosted-renditions'
import { runRunwayTask, RunwayTaskFailedError } from './runway/run-runway-task'

export interface TCreateHostedActivitiesOptions {
  store: AssetStore
  ffmpeg: TFfmpegPaths
  workDir: string
  /** Absent when RUNWAYML_API_SECRET is not set: Runway models then fail with that reason. */
  runway?: { apiSecret: string; baseUrl?: string; pollIntervalMs?: number; backoffMs?: number }
  nats?: Pick<NatsConnection, 'publish'>
}

/** Where the job's bar stands while a downloaded clip's strip and proxy are made. */
const STORING_RENDITIONS = 0.995

const NON_RETRYABLE: ReadonlySet<string> = new Set([AppErrorCode.BAD_REQUEST, AppErrorCode.NOT_FOUND, AppErrorCode.UNSUPPORTED_MEDIA, AppErrorCode.PAYLOAD_TOO_LARGE])

interface THostedHeartbeat {
  taskId?: string
  stage?: TJobProgress['stage']
  progress?: number
}

/**
 * Activities of the `hosted` queue: provider calls that hold no GPU slot while they poll. The
 * provider's task id rides in the heartbeat, so an attempt that follows a crash polls the task
 * already paid for instead of creating another.
 */
export function createHostedActivities(options: TCreateHostedActivitiesOptions): THostedActivities {
  const client = options.runway ? new RunwayClient({ apiSecret: options.runway.apiSecret, baseUrl: options.runway.baseUrl, backoffMs: options.runway.backoffMs }) : undefined
  const encoder = new TextEncoder()

  return {
    async runHostedModel(input) {
      const context = Context.current()
      if (!isRunwayModel(input.model)) throw ApplicationFailure.nonRetryable(`${input.model} is not a hosted model.`, AppErrorCode.BAD_REQUEST)
      if (!client) {
        const availability = modelAvailability(input.model, { runwayConfigured: false })
        throw ApplicationFailure.nonRetryable(availability.available ? 'Runway is not configured.' : availability.reason, AppErrorCode.UNAVAILABLE)
      }
      const previous = (context.info.heartbeatDetails ?? {}) as THostedHeartbeat
      let taskId = previous.taskId
      const report = (progress: TJobProgress) => {
        context.heartbeat({ taskId, stage: progress.stage, progress: progress.progress } satisfies THostedHeartbeat)
        try {
          const message: TJobProgressMessage | TJobProgress =
            input.boardId && input.variationId ? { ...progress, boardId: input.boardId, variationId: input.variationId } : progress
          options.nats?.publish(subjects.jobProgress(progress.generationId), encoder.encode(JSON.stringify(message)))
        } catch (e) {
          context.log.warn('Could not publish job progress', { generationId: input.generationId, error: String(e) })
        }
      }
      try {
        const output = await runRunwayTask(
          { client, store: options.store, ffmpeg: options.ffmpeg, workDir: options.workDir, pollIntervalMs: options.runway?.pollIntervalMs },
          input,
          {
            signal: context.cancellationSignal,
            resumeTaskId: taskId,
            onTaskCreated: (id) => {
              taskId = id
              context.heartbeat({ taskId: id, stage: 'queued', progress: 0 } satisfies THostedHeartbeat)
            },
            // Progress 1 takes the job off the board: hold it back until the renditions are stored too.
            onProgress: (progress) => report(progress.progress >= 1 ? { ...progress, progress: STORING_RENDITIONS } : progress),
          },
        )
        const stored = await storeHostedRenditions(output, {
          store: options.store,
          ffmpeg: options.ffmpeg,
          workDir: options.workDir,
          signal: context.cancellationSignal,
          onProgress: () => report({ generationId: input.generationId, stage: 'storing', progress: STORING_RENDITIONS }),
        }).catch((e: unknown) => {
          // The paid-for clip is stored and plays as it is; a missing strip or proxy is no reason to lose it.
          if (context.cancellationSignal.aborted) throw e
          context.log.warn('Could not make the strip and proxy of a hosted clip', { generationId: input.generationId, error: String(e), assetSha256: output.assetSha256 })
          return output
        })
        report({ generationId: input.generationId, stage: 'storing', progress: 1 })
        return stored
      } catch (e) {
        if (context.cancellationSignal.aborted) {
          throw context.cancellationSignal.reason instanceof CancelledFailure ? context.cancellationSignal.reason : e
        }
        if (e instanceof AppError && NON_RETRYABLE.has(e.code)) {
          throw ApplicationFailure.nonRetryable(e.message, e.code, ...(e.field ? [{ field: e.field }] : []))
        }
        if (e instanceof RunwayTaskFailedError) throw ApplicationFailure.nonRetryable(e.message, 'RUNWAY_TASK_FAILED', { failureCode: e.failureCode })
        if (e instanceof RunwayApiError) {
          // A malformed answer or a refused request will not change on retry; 429/5xx may.
          throw e.retryable ? ApplicationFailure.retryable(e.message, 'RUNWAY_UNAVAILABLE') : ApplicationFailure.nonRetryable(e.message, 'RUNWAY_ERROR')
        }
        throw e
      }
    },
  }
}
