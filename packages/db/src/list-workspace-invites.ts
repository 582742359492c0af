import type { TInvite } from '@montage/core'
import type { Sql } from './client'
import { WORKSPACE_INVITE_SELECT, toInvite, type WorkspaceInviteDbRow } from './workspace-invite-row'

/** A workspace's invites, newest first, ended ones included (the last 100). */
export async function listWorkspaceInvites(sql: Sql, workspaceId: string): Promise<TInvite[]> {
  const rows = await sql<WorkspaceInviteDbRow[]>`
    SELECT ${sql.unsafe(WORKSPACE_INVITE_SELECT)}
    FROM workspace_invites i LEFT JOIN users c ON c.id = i.created_by
    WHERE i.workspace_id = ${workspaceId} ORDER BY i.created_at DESC LIMIT 100`
  return rows.map(toInvite)
}
