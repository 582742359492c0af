import type postgres from 'postgres'
import { AppError, AppErrorCode, type TRole } from '@montage/core'
import { hashLinkToken } from './review-link-secrets'
import { inviteState } from './workspace-invite-row'

export interface ConsumedInvite {
  inviteId: string
  workspaceId: string
  workspaceName: string
  role: TRole
}

export interface ConsumeWorkspaceInviteOptions {
  token: string
  /** Who joins: an existing user's id, or a function that creates the account once the invite has been checked. */
  member: string | (() => Promise<string>)
}

/**
 * Inside a transaction: takes one use of the invite (row-locked, so two people racing for the
 * last use cannot both get it) and makes the user a member with its role. Refuses an unknown
 * (404), revoked, expired or used-up (410) invite, and a user who is already a member (409:
 * an invite never changes an existing member's role), all before anything is written; an account
 * to create is created only after the invite passed, so a bad invite learns nothing about emails.
 * An invite made for an email address admits only the account with that address (403; an
 * account being created with another one is rolled back with the transaction).
 */
export async function consumeWorkspaceInvite(tx: postgres.TransactionSql, opts: ConsumeWorkspaceInviteOptions): Promise<ConsumedInvite & { userId: string }> {
  const [invite] = await tx<{ id: string; workspace_id: string; workspace_name: string; role: TRole; revoked_at: Date | null; expired: boolean; use_count: number; max_uses: number; email: string | null }[]>`
    SELECT i.id, i.workspace_id, w.name AS workspace_name, i.role, i.email, i.revoked_at, i.expires_at <= now() AS expired, i.use_count, i.max_uses
    FROM workspace_invites i JOIN workspaces w ON w.id = i.workspace_id
    WHERE i.token_hash = ${hashLinkToken(opts.token)}
    FOR UPDATE OF i`
  if (!invite) throw new AppError(AppErrorCode.NOT_FOUND, 'This invite link is not valid. Ask for a new one.')
  const state = inviteState(invite)
  if (state === 'revoked') throw new AppError(AppErrorCode.GONE, 'This invite was revoked. Ask for a new one.')
  if (state === 'used') throw new AppError(AppErrorCode.GONE, 'This invite has already been used. Ask for a new one.')
  if (state === 'expired') throw new AppError(AppErrorCode.GONE, 'This invite has expired. Ask for a new one.')
  const userId = typeof opts.member === 'string' ? opts.member : await opts.member()
  if (invite.email) {
    const [account] = await tx<{ email: string | null }[]>`
      SELECT lower(coalesce(p.email, u.email)) AS email FROM users u LEFT JOIN password_credentials p ON p.user_id = u.id WHERE u.id = ${userId}`
    if (account?.email !== invite.email) {
      throw new AppError(AppErrorCode.FORBIDDEN, 'This invite was made for another email address: use the address it was sent to.', { field: 'email' })
    }
  }
  const [existing] = await tx<{ role: TRole }[]>`SELECT role FROM memberships WHERE workspace_id = ${invite.workspace_id} AND user_id = ${userId}`
  if (existing) throw new AppError(AppErrorCode.CONFLICT, `You are already a member of ${invite.workspace_name} (as ${existing.role}).`)
  await tx`UPDATE workspace_invites SET use_count = use_count + 1 WHERE id = ${invite.id}`
  await tx`INSERT INTO memberships (workspace_id, user_id, role) VALUES (${invite.workspace_id}, ${userId}, ${invite.role})`
  await tx`INSERT INTO workspace_invite_uses (invite_id, user_id) VALUES (${invite.id}, ${userId})`
  return { inviteId: invite.id, workspaceId: invite.workspace_id, workspaceName: invite.workspace_name, role: invite.role, userId }
}
