import { AppError, AppErrorCode } from '@montage/core'
import type { Sql } from './client'

/**
 * Deletes a board for good: its document, checkpoints, generations, comments and review links go
 * with it (foreign keys cascade). Ledger rows stay, so the workspace's balance and spend do not
 * change; they lose their board. Refused (CONFLICT) while a generation on it is still queued or
 * running: its workflow would write to a board that is gone. False when the board does not exist.
 */
export async function deleteBoard(sql: Sql, boardId: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [board] = await tx<{ id: string }[]>`SELECT id FROM boards WHERE id = ${boardId} FOR UPDATE`
    if (!board) return false
    const [busy] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM generations WHERE board_id = ${boardId} AND status IN ('queued', 'running')`
    if (busy!.n > 0) {
      throw new AppError(AppErrorCode.CONFLICT, `${busy!.n} generation${busy!.n === 1 ? ' is' : 's are'} still running on this board: cancel or wait for ${busy!.n === 1 ? 'it' : 'them'}, then delete.`)
    }
    await tx`DELETE FROM boards WHERE id = ${boardId}`
    return true
  })
}
