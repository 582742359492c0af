import type { Sql } from './client'
import type { TBoardRow } from './boards'

/** Renames a board; null when it does not exist. */
export async function renameBoard(sql: Sql, opts: { boardId: string; name: string }): Promise<TBoardRow | null> {
  const [row] = await sql<TBoardRow[]>`
    UPDATE boards SET name = ${opts.name}, updated_at = now() WHERE id = ${opts.boardId}
    RETURNING id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt"`
  return row ?? null
}
