import { publishFeedEvent } from '@montage/board'
import type { TFeedEvent } from '@montage/core'
import { jetstream } from './context'
import { logger } from './logger'

/** Tells the workspace feed; what it reports is already stored, so a failure is logged, not thrown. */
export async function publishFeed(event: TFeedEvent): Promise<void> {
  try {
    const result = await publishFeedEvent(await jetstream(), event)
    if (!result.ok) throw result.error
  } catch (e) {
    logger().error({ err: e, eventId: event.id, type: event.type }, 'could not publish feed event')
  }
}
