import { AppError, AppErrorCode } from '@montage/core'
import { countBoardCheckpoints, type Sql } from '@montage/db'
import { webEnv } from './env'

/**
 * Refuses (QUOTA_EXCEEDED) a save or a restore when the board already holds its quota of
 * checkpoints (each is a full copy of the board). Saves racing past the count are bounded by the
 * person's checkpoint rate limit, checked first.
 */
export async function requireCheckpointRoom(sql: Sql, boardId: string, action: 'save' | 'restore'): Promise<void> {
  const max = webEnv().limits.quotas.checkpointsPerBoard
  const held = await countBoardCheckpoints(sql, boardId)
  if (held < max) return
  const why = action === 'restore' ? 'A restore first saves the current board as a checkpoint, and this board' : 'This board'
  throw new AppError(AppErrorCode.QUOTA_EXCEEDED, `${why} already holds ${held} checkpoints, the most a board keeps (limit ${max}).`, { limit: 'checkpointsPerBoard' })
}
