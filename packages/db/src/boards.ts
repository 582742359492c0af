import type { TRole } from '@montage/core'
import type { Sql } from './client'

export interface TBoardRow {
  id: string
  workspaceId: string
  name: string
  updatedAt: Date
}

export interface TBoardAccess {
  board: TBoardRow
  /** The caller's role in the board's workspace; null for a non-member. */
  role: TRole | null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function createBoard(sql: Sql, opts: { workspaceId: string; name: string; createdBy: string; id?: string }): Promise<TBoardRow> {
  const [row] = await sql<TBoardRow[]>`
    INSERT INTO boards (id, workspace_id, name, created_by)
    VALUES (${opts.id ?? sql`gen_random_uuid()`}, ${opts.workspaceId}, ${opts.name}, ${opts.createdBy})
    RETURNING id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt"`
  return row!
}

export async function getBoard(sql: Sql, boardId: string): Promise<TBoardRow | null> {
  if (!UUID.test(boardId)) return null
  const [row] = await sql<TBoardRow[]>`
    SELECT id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt" FROM boards WHERE id = ${boardId}`
  return row ?? null
}

/** The board and the user's role on it, in one round trip; null when the board does not exist. */
export async function getBoardAccess(sql: Sql, opts: { boardId: string; userId: string }): Promise<TBoardAccess | null> {
  if (!UUID.test(opts.boardId)) return null
  const [row] = await sql<(TBoardRow & { role: TRole | null })[]>`
    SELECT b.id, b.workspace_id AS "workspaceId", b.name, b.updated_at AS "updatedAt", m.role
    FROM boards b LEFT JOIN memberships m ON m.workspace_id = b.workspace_id AND m.user_id = ${opts.userId}
    WHERE b.id = ${opts.boardId}`
  if (!row) return null
  const { role, ...board } = row
  return { board, role }
}

export async function listBoards(sql: Sql, workspaceId: string): Promise<TBoardRow[]> {
  return sql<TBoardRow[]>`
    SELECT id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt"
    FROM boards WHERE workspace_id = ${workspaceId} ORDER BY updated_at DESC`
}
