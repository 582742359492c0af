import { proxyActivities } from '@temporalio/workflow'

/** The same shape as a generation with nothing of ours in it: start, one activity on another queue, done. */
export async function temporalFloorWorkflow(activityTaskQueue: string): Promise<void> {
  const { floorNoop } = proxyActivities<{ floorNoop(): Promise<void> }>({ taskQueue: activityTaskQueue, startToCloseTimeout: '30 seconds' })
  await floorNoop()
}
