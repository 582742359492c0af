import type { Sql } from './client'
import { loadBoardUpdates } from './board-updates'

export interface CompactBoardUpdatesOptions {
  boardId: string
  /** Folds the snapshot (if any) and log rows, in order, into one update (Yjs lives with the caller). */
  merge: (updates: Uint8Array[]) => Uint8Array
  /** Skip when the log is shorter than this: nothing worth folding. */
  minRows?: number
}

/**
 * Folds a board's log into its snapshot. The board row is locked, so compactions (from several
 * collab-server instances) and appends of that board serialise; only the rows read are deleted,
 * so an append committed meanwhile stays in the log.
 */
export async function compactBoardUpdates(sql: Sql, opts: CompactBoardUpdatesOptions): Promise<{ folded: number }> {
  return sql.begin(async (tx) => {
    const locked = await tx`SELECT 1 FROM boards WHERE id = ${opts.boardId} FOR UPDATE`
    if (locked.length === 0) return { folded: 0 }
    const rows = await tx<{ id: number }[]>`SELECT id FROM board_updates WHERE board_id = ${opts.boardId} ORDER BY id`
    if (rows.length === 0 || rows.length < (opts.minRows ?? 1)) return { folded: 0 }
    // The snapshot and those rows, in order, as their bytes (binary COPY: read as text, a bytea is
    // hex, two characters a byte); the board is locked, so no row comes or goes meanwhile.
    const parts = await loadBoardUpdates(tx, opts.boardId)
    const snapshot = Buffer.from(opts.merge(parts))
    await tx`
      INSERT INTO board_snapshots (board_id, snapshot, folded) VALUES (${opts.boardId}, ${snapshot}, ${rows.length})
      ON CONFLICT (board_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, folded = board_snapshots.folded + EXCLUDED.folded, updated_at = now()`
    await tx`DELETE FROM board_updates WHERE id IN ${tx(rows.map((r) => r.id))}`
    return { folded: rows.length }
  })
}
