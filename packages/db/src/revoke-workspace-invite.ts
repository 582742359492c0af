import type { TInvite } from '@montage/core'
import type { Sql } from './client'
import { getWorkspaceInvite } from './get-workspace-invite'

/** Revokes an invite for good (revoking again keeps the first time); its link opens nothing from now on. */
export async function revokeWorkspaceInvite(sql: Sql, inviteId: string): Promise<TInvite | null> {
  const [row] = await sql<{ id: string }[]>`
    UPDATE workspace_invites SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${inviteId} RETURNING id`
  return row ? getWorkspaceInvite(sql, row.id) : null
}
