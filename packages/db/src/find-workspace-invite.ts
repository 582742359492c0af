import type { TInvite } from '@montage/core'
import type { Sql } from './client'
import { hashLinkToken } from './review-link-secrets'
import { WORKSPACE_INVITE_SELECT, toInvite, type WorkspaceInviteDbRow } from './workspace-invite-row'

export interface FoundWorkspaceInvite {
  invite: TInvite
  workspaceName: string
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** The invite a link's token opens, whatever its state; null for a token no invite has. */
export async function findWorkspaceInvite(sql: Sql, token: string): Promise<FoundWorkspaceInvite | null> {
  if (!TOKEN.test(token)) return null
  const [row] = await sql<(WorkspaceInviteDbRow & { workspace_name: string })[]>`
    SELECT ${sql.unsafe(WORKSPACE_INVITE_SELECT)}, w.name AS workspace_name
    FROM workspace_invites i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN users c ON c.id = i.created_by
    WHERE i.token_hash = ${hashLinkToken(token)}`
  if (!row) return null
  const { workspace_name, ...invite } = row
  return { invite: toInvite(invite), workspaceName: workspace_name }
}
