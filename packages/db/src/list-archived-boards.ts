import type { Sql } from './client'
import type { TBoardRow } from './boards'

export type TArchivedBoardRow = TBoardRow & { archivedAt: Date }

/** A workspace's archived boards, most recently archived first. */
export async function listArchivedBoards(sql: Sql, workspaceId: string): Promise<TArchivedBoardRow[]> {
  return sql<TArchivedBoardRow[]>`
    SELECT id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt", archived_at AS "archivedAt"
    FROM boards WHERE workspace_id = ${workspaceId} AND archived_at IS NOT NULL ORDER BY archived_at DESC`
}
