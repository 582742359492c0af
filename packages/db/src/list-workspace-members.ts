import type { TBoardMember } from '@montage/core'
import type { Sql } from './client'

/** Everyone in a workspace with their role, by name (for @mentions). */
export async function listWorkspaceMembers(sql: Sql, workspaceId: string): Promise<TBoardMember[]> {
  return sql<TBoardMember[]>`
    SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.workspace_id = ${workspaceId} ORDER BY u.name, u.id`
}
