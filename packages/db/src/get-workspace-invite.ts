import { isUuid, type TInvite } from '@montage/core'
import type { Sql } from './client'
import { WORKSPACE_INVITE_SELECT, toInvite, type WorkspaceInviteDbRow } from './workspace-invite-row'

export async function getWorkspaceInvite(sql: Sql, inviteId: string): Promise<TInvite | null> {
  if (!isUuid(inviteId)) return null
  const [row] = await sql<WorkspaceInviteDbRow[]>`
    SELECT ${sql.unsafe(WORKSPACE_INVITE_SELECT)}
    FROM workspace_invites i LEFT JOIN users c ON c.id = i.created_by WHERE i.id = ${inviteId}`
  return row ? toInvite(row) : null
}
