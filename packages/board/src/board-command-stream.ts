import type { JetStreamClient, JetStreamManager, StreamConfig } from '@nats-io/jetstream'
import { headers as natsHeaders, nanos } from '@nats-io/nats-core'
import { context, propagation, SpanKind, trace } from '@opentelemetry/api'
import { streams, subjects } from '@montage/core'
import type { TBoardCommand } from './commands'
import type { TBoardHistoryCommand } from './history-commands'

/**
 * The one declaration of the board-command stream: every process that publishes or consumes board
 * commands (web, workflows, the collab-server) ensures it with these settings, so which of them
 * starts first makes no difference.
 */
export const BOARD_COMMAND_STREAM = {
  ...streams.boardCommands,
  /**
   * How long JetStream remembers a command id (the message id) to drop a repeat of it: longer than
   * a publisher's retries of one command (Temporal's activity retries back off to minutes). A
   * repeat after it is harmless anyway (commands are idempotent upserts); the window saves the work.
   */
  duplicateWindowMs: 10 * 60 * 1000,
  /** Commands not consumed within a week are moot: reconciliation with Postgres covers them. */
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
} as const

/**
 * Creates the board-command stream if it is missing, and brings an existing one to the declared
 * window and age (one made by an older release with other settings).
 */
export async function ensureBoardCommandStream(jsm: JetStreamManager): Promise<void> {
  const { name, duplicateWindowMs, maxAgeMs } = BOARD_COMMAND_STREAM
  const settings = { duplicate_window: nanos(duplicateWindowMs), max_age: nanos(maxAgeMs) } satisfies Partial<StreamConfig>
  const info = await jsm.streams.info(name).catch(() => null)
  if (info) {
    if (info.config.duplicate_window !== settings.duplicate_window || info.config.max_age !== settings.max_age) {
      await jsm.streams.update(name, { ...info.config, ...settings })
    }
    return
  }
  try {
    await jsm.streams.add({ name, subjects: [...BOARD_COMMAND_STREAM.subjects], ...settings })
  } catch (e) {
    // Another process created it first, with the same settings.
    if (!/already in use|exists/i.test(String(e))) throw e
  }
}

/**
 * Publishes a board command; its id is the JetStream message id, so a retry is dropped as a duplicate.
 * The caller's trace (when tracing is on) rides in the message headers, so the collab-server's
 * apply joins it.
 */
export async function publishBoardCommand(js: JetStreamClient, command: TBoardCommand | TBoardHistoryCommand): Promise<void> {
  const subject = subjects.boardCommand(command.boardId)
  const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'montage.board.command': command.type, 'montage.board.id': command.boardId }
  await trace.getTracer('@montage/board').startActiveSpan('board.command.publish', { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    try {
      const h = natsHeaders()
      propagation.inject(context.active(), h, { set: (carrier, key, value) => carrier.set(key, value) })
      await js.publish(subject, JSON.stringify(command), { msgID: command.id, ...(h.has('traceparent') ? { headers: h } : {}) })
    } finally {
      span.end()
    }
  })
}
