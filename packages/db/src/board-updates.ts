import type { Sql } from './client'

/** Appends Yjs updates of one board (already merged by the caller) and touches the board. */
export async function appendBoardUpdate(sql: Sql, opts: { boardId: string; update: Uint8Array }): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`INSERT INTO board_updates (board_id, update) VALUES (${opts.boardId}, ${Buffer.from(opts.update)})`
    await tx`UPDATE boards SET updated_at = now() WHERE id = ${opts.boardId}`
  })
}

export async function loadBoardUpdates(sql: Sql, boardId: string): Promise<Uint8Array[]> {
  const rows = await sql<{ update: Buffer }[]>`SELECT update FROM board_updates WHERE board_id = ${boardId} ORDER BY id`
  return rows.map((r) => new Uint8Array(r.update))
}
