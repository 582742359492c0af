import type { TRole } from '@montage/core'
import type { Sql } from './client'

/** The current role of each (workspace, user) pair that still is a membership; pairs not returned are gone. */
export async function listMemberRoles(sql: Sql, pairs: { workspaceId: string; userId: string }[]): Promise<{ workspaceId: string; userId: string; role: TRole }[]> {
  if (pairs.length === 0) return []
  return sql<{ workspaceId: string; userId: string; role: TRole }[]>`
    SELECT m.workspace_id AS "workspaceId", m.user_id AS "userId", m.role
    FROM memberships m
    JOIN unnest(${pairs.map((p) => p.workspaceId)}::uuid[], ${pairs.map((p) => p.userId)}::uuid[]) AS q(workspace_id, user_id)
      ON q.workspace_id = m.workspace_id AND q.user_id = m.user_id`
}
