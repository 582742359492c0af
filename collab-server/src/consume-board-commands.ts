import { z } from 'zod'
import { nanos, type NatsConnection } from '@nats-io/nats-core'
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import { AppErrorCode, isAppError, streams, subjects } from '@montage/core'
import { ensureBoardCommandStream, ZBoardCommand, ZBoardHistoryCommand, type TBoardCommand, type TBoardHistoryCommand } from '@montage/board'
import { withConsumerSpan } from '@montage/runtime/tracing'
import { errorFields, type TLogger } from './logger'

export interface ConsumeBoardCommandsOptions {
  nats: NatsConnection
  /** Durable consumer name: one per deployment, so instances share (split) the work. */
  consumerName: string
  /** `all` for production (a new durable starts at the stream's first message); tests use `new`. */
  deliverPolicy: 'all' | 'new'
  /** Lets the server delete a durable nobody pulls from (test runs that crashed). */
  inactiveThresholdMs?: number
  logger: TLogger
  /** Applies a command; resolves once its result is durably stored. */
  apply: (command: TBoardCommand | TBoardHistoryCommand) => Promise<void>
}

export interface TBoardCommandConsumer {
  /** Stops pulling and waits for the command in hand; unacknowledged ones are redelivered later. */
  stop(): Promise<void>
}

const ACK_WAIT_MS = 30_000
const ZAnyBoardCommand = z.union([ZBoardCommand, ZBoardHistoryCommand])
const RETRY_DELAY_MS = 2_000

/**
 * Ensures the board-command stream (`BOARD_COMMAND_STREAM`) and a durable pull consumer on it, and applies each command
 * in order. Several instances using one consumer name share it: JetStream hands each message to
 * one puller, and a redelivered command is harmless because commands are idempotent upserts.
 */
export async function consumeBoardCommands(opts: ConsumeBoardCommandsOptions): Promise<TBoardCommandConsumer> {
  const { nats, consumerName, logger } = opts
  const stream = streams.boardCommands.name
  const jsm = await jetstreamManager(nats)
  // The stream's settings are declared once, beside the publishers' code (`BOARD_COMMAND_STREAM`).
  await ensureBoardCommandStream(jsm)
  await ensureConsumer(jsm, opts)

  const consumer = await jetstream(nats).consumers.get(stream, consumerName)
  const messages = await consumer.consume({ max_messages: 16 })
  let stopping = false
  const loop = (async () => {
    for await (const msg of messages) {
      // Messages already pulled when we stop go back at once rather than after the ack wait.
      if (stopping) msg.nak()
      else await handle(msg)
    }
  })().catch((e) => logger.error('board command consumer stopped', errorFields(e)))

  async function handle(msg: JsMsg): Promise<void> {
    let command: TBoardCommand | TBoardHistoryCommand
    try {
      command = ZAnyBoardCommand.parse(JSON.parse(msg.string()))
      if (msg.subject !== subjects.boardCommand(command.boardId)) throw new Error(`subject ${msg.subject} does not match boardId ${command.boardId}`)
    } catch (e) {
      // Redelivering a malformed command can never succeed; acknowledge it and move on.
      const error = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : errorFields(e).error
      logger.warn('malformed board command dropped', { subject: msg.subject, seq: msg.seq, error })
      msg.ack()
      return
    }
    try {
      // Joins the trace of whoever published the command (the workflow's activity, a web request).
      await withConsumerSpan('board.command.apply', msg.headers, { 'montage.board.id': command.boardId, 'montage.board.command': command.type, 'montage.board.command_id': command.id }, () => opts.apply(command))
      msg.ack()
    } catch (e) {
      if (isAppError(e) && e.code !== AppErrorCode.INTERNAL) {
        logger.warn('board command refused', { commandId: command.id, boardId: command.boardId, ...errorFields(e) })
        // No reason text: `+TERM <reason>` needs nats-server 2.10, older servers leave the message pending.
        msg.term()
      } else {
        logger.error('board command failed; will be redelivered', { commandId: command.id, boardId: command.boardId, ...errorFields(e) })
        msg.nak(RETRY_DELAY_MS)
      }
    }
  }

  return {
    async stop() {
      stopping = true
      await messages.close()
      await loop
    },
  }
}

async function ensureConsumer(jsm: JetStreamManager, opts: ConsumeBoardCommandsOptions): Promise<void> {
  const stream = streams.boardCommands.name
  try {
    await jsm.consumers.add(stream, {
      durable_name: opts.consumerName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.deliverPolicy === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      filter_subject: subjects.boardCommandWildcard,
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: 256,
      ...(opts.inactiveThresholdMs ? { inactive_threshold: nanos(opts.inactiveThresholdMs) } : {}),
    })
  } catch (e) {
    const info = await jsm.consumers.info(stream, opts.consumerName).catch(() => null)
    if (!info) throw e
    opts.logger.warn('board command consumer exists with another configuration; using it', { consumerName: opts.consumerName, ...errorFields(e) })
  }
}
