import type { Sql } from './client'

/** Appends Yjs updates of one board (already merged by the caller) and touches the board. */
export async function appendBoardUpdate(sql: Sql, opts: { boardId: string; update: Uint8Array }): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`INSERT INTO board_updates (board_id, update) VALUES (${opts.boardId}, ${Buffer.from(opts.update)})`
    await tx`UPDATE boards SET updated_at = now() WHERE id = ${opts.boardId}`
  })
}

/**
 * The stored document of a board: its snapshot (when compacted) first, then the log rows.
 * One statement, so a compaction running meanwhile cannot make us read the new snapshot
 * without the rows it folded, nor the old snapshot without the rows it deleted.
 */
export async function loadBoardUpdates(sql: Sql, boardId: string): Promise<Uint8Array[]> {
  const rows = await sql<{ update: Buffer }[]>`
    SELECT update FROM (
      SELECT 0 AS part, 0::bigint AS id, snapshot AS update FROM board_snapshots WHERE board_id = ${boardId}
      UNION ALL
      SELECT 1 AS part, id, update FROM board_updates WHERE board_id = ${boardId}
    ) doc ORDER BY part, id`
  return rows.map((r) => new Uint8Array(r.update))
}

/**
 * Appends updates of several boards in one transaction (group commit: one round trip and one
 * fsync for a whole batch). Boards are locked in id order before anything else, as every writer of
 * several boards locks them (`replaceBoardsSearchShapes`), so two writers never deadlock.
 */
export async function appendBoardUpdates(sql: Sql, entries: { boardId: string; update: Uint8Array }[]): Promise<void> {
  if (entries.length === 0) return
  const rows = entries.map((e) => ({ board_id: e.boardId, update: Buffer.from(e.update) }))
  const boardIds = [...new Set(entries.map((e) => e.boardId))].sort()
  await sql.begin(async (tx) => {
    // The board rows are locked first, in id order: the insert's foreign-key checks lock them too
    // (in row order), and two batches locking in different orders would deadlock.
    await tx`SELECT id FROM boards WHERE id = ANY(${boardIds}::uuid[]) ORDER BY id FOR UPDATE`
    await tx`INSERT INTO board_updates ${tx(rows, 'board_id', 'update')}`
    await tx`UPDATE boards SET updated_at = now() WHERE id = ANY(${boardIds}::uuid[])`
  })
}
