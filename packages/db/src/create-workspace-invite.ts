import type { TInvite, TRole } from '@montage/core'
import type { Sql } from './client'
import { hashLinkToken, newLinkToken } from './review-link-secrets'
import { WORKSPACE_INVITE_SELECT, toInvite, type WorkspaceInviteDbRow } from './workspace-invite-row'

export interface CreateWorkspaceInviteOptions {
  workspaceId: string
  role: TRole
  expiresInHours: number
  maxUses: number
  note?: string | null
  /** Only the account with this (lower-cased) email address may use it. */
  email?: string | null
  createdBy: string
}

/** Creates an invite link and returns its token once; only the token's sha256 is stored. */
export async function createWorkspaceInvite(sql: Sql, opts: CreateWorkspaceInviteOptions): Promise<{ invite: TInvite; token: string }> {
  const token = newLinkToken()
  const [row] = await sql<WorkspaceInviteDbRow[]>`
    WITH i AS (
      INSERT INTO workspace_invites (workspace_id, role, token_hash, note, email, max_uses, expires_at, created_by)
      VALUES (${opts.workspaceId}, ${opts.role}, ${hashLinkToken(token)}, ${opts.note ?? null}, ${opts.email ?? null}, ${opts.maxUses},
              now() + make_interval(hours => ${opts.expiresInHours}), ${opts.createdBy})
      RETURNING *
    )
    SELECT ${sql.unsafe(WORKSPACE_INVITE_SELECT)} FROM i LEFT JOIN users c ON c.id = i.created_by`
  return { invite: toInvite(row!), token }
}
