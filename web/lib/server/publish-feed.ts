import { publishFeedEvent } from '@montage/board'
import type { TFeedEvent } from '@montage/core'
import { jetstream } from './context'

/** Tells the workspace feed; what it reports is already stored, so a failure is logged, not thrown. */
export async function publishFeed(event: TFeedEvent): Promise<void> {
  try {
    const result = await publishFeedEvent(await jetstream(), event)
    if (!result.ok) throw result.error
  } catch (e) {
    console.error('[web] could not publish feed event', { id: event.id, type: event.type, error: e instanceof Error ? e.message : String(e) })
  }
}
