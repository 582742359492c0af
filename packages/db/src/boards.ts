import { AppError, AppErrorCode, type TRole } from '@montage/core'
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

export interface CreateBoardOptions {
  workspaceId: string
  name: string
  createdBy: string
  id?: string
  /** The workspace's board quota: at this many boards the new one is refused (QUOTA_EXCEEDED). */
  maxPerWorkspace?: number
}

/** Creates a board; with a quota, boards of one workspace are created one at a time so two cannot both take the last place. */
export async function createBoard(sql: Sql, opts: CreateBoardOptions): Promise<TBoardRow> {
  return sql.begin(async (tx) => {
    if (opts.maxPerWorkspace !== undefined) {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`workspace-boards:${opts.workspaceId}`}, 0))`
      const [row] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM boards WHERE workspace_id = ${opts.workspaceId}`
      const n = row!.n
      if (n >= opts.maxPerWorkspace) {
        throw new AppError(AppErrorCode.QUOTA_EXCEEDED, `This workspace has ${n} boards, the most it may hold (limit ${opts.maxPerWorkspace}).`, { limit: 'boardsPerWorkspace' })
      }
    }
    const [row] = await tx<TBoardRow[]>`
      INSERT INTO boards (id, workspace_id, name, created_by)
      VALUES (${opts.id ?? tx`gen_random_uuid()`}, ${opts.workspaceId}, ${opts.name}, ${opts.createdBy})
      RETURNING id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt"`
    return row!
  })
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

/** A workspace's boards in use (archived ones: `listArchivedBoards`), most recently changed first. */
export async function listBoards(sql: Sql, workspaceId: string): Promise<TBoardRow[]> {
  return sql<TBoardRow[]>`
    SELECT id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt"
    FROM boards WHERE workspace_id = ${workspaceId} AND archived_at IS NULL ORDER BY updated_at DESC`
}
