import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { ZFeedEvent, streams, subjects, type TFeedEvent } from '@montage/core'

/** How many entries a workspace's feed keeps; older ones fall off. */
export const FEED_KEEP_PER_WORKSPACE = 200
const FEED_MAX_AGE_NS = 30 * 24 * 3600 * 1_000_000_000
const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000

/** Creates the feed stream if it is missing; every publisher and reader may call it. */
export async function ensureWorkspaceFeedStream(jsm: JetStreamManager): Promise<void> {
  const { name, subjects: subs } = streams.workspaceFeed
  try {
    await jsm.streams.info(name)
  } catch {
    try {
      await jsm.streams.add({ name, subjects: [...subs], duplicate_window: DUPLICATE_WINDOW_NS, max_age: FEED_MAX_AGE_NS, max_msgs_per_subject: FEED_KEEP_PER_WORKSPACE })
    } catch (e) {
      if (!/already in use|exists/i.test(String(e))) throw e
    }
  }
}

/**
 * Publishes a feed event (message id = event id). A notification is never worth failing the
 * change it reports, so the stream is created on demand and a failure is returned, not thrown.
 */
export async function publishFeedEvent(js: JetStreamClient, event: TFeedEvent): Promise<{ ok: true } | { ok: false; error: unknown }> {
  const publish = () => js.publish(subjects.workspaceFeed(event.workspaceId), JSON.stringify(event), { msgID: event.id })
  try {
    await publish()
    return { ok: true }
  } catch (first) {
    try {
      await ensureWorkspaceFeedStream(await js.jetstreamManager())
      await publish()
      return { ok: true }
    } catch {
      return { ok: false, error: first }
    }
  }
}

/** The workspace's feed, oldest first, each with its stream sequence (readers remember the last one they saw). */
export async function readWorkspaceFeed(js: JetStreamClient, workspaceId: string): Promise<(TFeedEvent & { seq: number })[]> {
  const jsm = await js.jetstreamManager()
  await ensureWorkspaceFeedStream(jsm)
  const subject = subjects.workspaceFeed(workspaceId)
  const info = await jsm.streams.info(streams.workspaceFeed.name, { subjects_filter: subject })
  const count = info.state.subjects?.[subject] ?? 0
  if (count === 0) return []
  // One subject as a string (sent as `filter_subject`): nats-server 2.9 knows no `filter_subjects` list.
  const consumer = await js.consumers.get(streams.workspaceFeed.name, { filter_subjects: subject })
  // Exactly as many as the stream holds: the fetch ends when they are in, without waiting out `expires`.
  const batch = await consumer.fetch({ max_messages: count, expires: 5_000 })
  const out: (TFeedEvent & { seq: number })[] = []
  for await (const msg of batch) {
    const parsed = ZFeedEvent.safeParse(msg.json())
    if (parsed.success) out.push({ ...parsed.data, seq: msg.seq })
  }
  return out
}
