import type { Sql } from './client'

/**
 * Archives a board (it leaves the workspace's list, nothing in it is lost) or restores it.
 * Archiving again keeps the first stamp. Null when the board does not exist.
 */
export async function setBoardArchived(sql: Sql, opts: { boardId: string; archived: boolean }): Promise<{ archivedAt: Date | null } | null> {
  const [row] = await sql<{ archivedAt: Date | null }[]>`
    UPDATE boards SET archived_at = ${opts.archived ? sql`coalesce(archived_at, now())` : null}
    WHERE id = ${opts.boardId} RETURNING archived_at AS "archivedAt"`
  return row ?? null
}
