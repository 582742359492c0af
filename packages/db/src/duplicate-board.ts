import type { Sql } from './client'
import { createBoard, type TBoardRow } from './boards'

export interface DuplicateBoardOptions {
  boardId: string
  name: string
  createdBy: string
  /** The workspace's board quota, as `createBoard` takes it. */
  maxPerWorkspace?: number
}

/**
 * A new board in the same workspace holding a copy of the stored document (its snapshot and log,
 * in order). Edits a collab-server has not stored yet (under two seconds old) are not in the copy.
 * Checkpoints, comments and review links stay with the original. Null when the board does not exist.
 */
export async function duplicateBoard(sql: Sql, opts: DuplicateBoardOptions): Promise<TBoardRow | null> {
  const [source] = await sql<{ workspaceId: string }[]>`SELECT workspace_id AS "workspaceId" FROM boards WHERE id = ${opts.boardId}`
  if (!source) return null
  const copy = await createBoard(sql, { workspaceId: source.workspaceId, name: opts.name, createdBy: opts.createdBy, maxPerWorkspace: opts.maxPerWorkspace })
  // One statement: a compaction meanwhile cannot make us copy the new snapshot and the rows it folded.
  await sql`
    INSERT INTO board_updates (board_id, update)
    SELECT ${copy.id}, update FROM (
      SELECT 0 AS part, 0::bigint AS id, snapshot AS update FROM board_snapshots WHERE board_id = ${opts.boardId}
      UNION ALL
      SELECT 1 AS part, id, update FROM board_updates WHERE board_id = ${opts.boardId}
    ) doc ORDER BY part, id`
  return copy
}
