import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow'
import type { TGpuActivities, THostedActivities } from '@montage/core'
import type { ControlActivities } from '../activities'

/**
 * The control steps (credits, rows, board commands) as local activities: they run in this worker
 * inside the workflow task, without a server round trip each. As remote activities they were most
 * of a generation's overhead (`npm run bench -- pipeline`).
 */
export const localControl = proxyLocalActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
})

/** The local engine's renders and edits, on the gpu-worker's queue. */
export function gpuActivities(taskQueue: string) {
  return proxyActivities<TGpuActivities>({
    taskQueue,
    startToCloseTimeout: '10 minutes',
    // Short, so a worker killed mid-render is noticed in seconds and the render restarts on another.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  })
}

/**
 * A sequence render on the gpu queue: as long as the sequence needs (a ten-minute cut at 1080p
 * takes longer than any single edit), with the same short heartbeat so a lost worker is noticed.
 */
export function sequenceActivities(taskQueue: string) {
  return proxyActivities<Pick<TGpuActivities, 'renderSequence'>>({
    taskQueue,
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  })
}

/** Provider calls (Runway), on the hosted worker's queue. */
export function hostedActivities(taskQueue: string) {
  return proxyActivities<THostedActivities>({
    taskQueue,
    // Provider renders queue and run for minutes; the task id in the heartbeat lets a retry resume it.
    startToCloseTimeout: '30 minutes',
    // Short: heartbeats are throttled to 80% of it, and a cancel only reaches the activity with one.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
    // Wait for the activity to abort the provider task before the credits are released.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  })
}
