import type { TInvite } from '@montage/core'
import type { Sql } from './client'
import { WORKSPACE_INVITE_SELECT, toInvite, type WorkspaceInviteDbRow } from './workspace-invite-row'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function getWorkspaceInvite(sql: Sql, inviteId: string): Promise<TInvite | null> {
  if (!UUID.test(inviteId)) return null
  const [row] = await sql<WorkspaceInviteDbRow[]>`
    SELECT ${sql.unsafe(WORKSPACE_INVITE_SELECT)}
    FROM workspace_invites i LEFT JOIN users c ON c.id = i.created_by WHERE i.id = ${inviteId}`
  return row ? toInvite(row) : null
}
