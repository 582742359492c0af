import { JSONCodec, type JetStreamClient, type JetStreamManager } from 'nats'
import { streams, subjects } from '@montage/core'
import type { TBoardCommand } from './commands'
import type { TBoardHistoryCommand } from './history-commands'

/** How long JetStream remembers a command id to drop a repeat of it. */
const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000

/** Creates the board-command stream if it is missing. Publishers and the collab-server both call it. */
export async function ensureBoardCommandStream(jsm: JetStreamManager): Promise<void> {
  const { name, subjects: subs } = streams.boardCommands
  try {
    await jsm.streams.info(name)
  } catch {
    try {
      await jsm.streams.add({ name, subjects: [...subs], duplicate_window: DUPLICATE_WINDOW_NS, max_age: 7 * 24 * 3600 * 1_000_000_000 })
    } catch (e) {
      // Another process created it first.
      if (!/already in use|exists/i.test(String(e))) throw e
    }
  }
}

const codec = JSONCodec<TBoardCommand | TBoardHistoryCommand>()

/** Publishes a board command; its id is the JetStream message id, so a retry is dropped as a duplicate. */
export async function publishBoardCommand(js: JetStreamClient, command: TBoardCommand | TBoardHistoryCommand): Promise<void> {
  await js.publish(subjects.boardCommand(command.boardId), codec.encode(command), { msgID: command.id })
}
