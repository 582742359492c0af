import { randomUUID } from 'node:crypto'
import { publishBoardCommand } from '@montage/board'
import { getThreadSummary, type Sql } from '@montage/db'
import { jetstream } from './context'
import { logger } from './logger'

/**
 * Sends the thread's current summary to the live board. The comment is already stored, so a
 * failure here is logged, not thrown: the board catches up on the next change to the thread.
 */
export async function publishThread(sql: Sql, opts: { boardId: string; rootId: string }): Promise<void> {
  try {
    const thread = await getThreadSummary(sql, opts.rootId)
    if (!thread) return
    await publishBoardCommand(await jetstream(), { id: `thread:${thread.id}:${randomUUID()}`, type: 'thread.upsert', boardId: opts.boardId, thread })
  } catch (e) {
    logger().error({ err: e, boardId: opts.boardId, rootId: opts.rootId }, 'could not publish thread summary')
  }
}
