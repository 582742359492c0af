import type { TInvite, TInviteState, TRole } from '@montage/core'

/** Selected with the invite aliased `i` and its creator (left-joined) `c`. */
export const WORKSPACE_INVITE_SELECT = `
  i.id, i.workspace_id, i.role, i.note, i.email, i.max_uses, i.use_count, i.expires_at, i.revoked_at, i.created_at,
  i.created_by, c.name AS created_by_name, i.expires_at <= now() AS expired`

export interface WorkspaceInviteDbRow {
  id: string
  workspace_id: string
  role: TRole
  note: string | null
  email: string | null
  max_uses: number
  use_count: number
  expires_at: Date
  revoked_at: Date | null
  created_at: Date
  created_by: string | null
  created_by_name: string | null
  /** Judged by the database clock, the one that set `expires_at`. */
  expired: boolean
}

export function inviteState(r: Pick<WorkspaceInviteDbRow, 'revoked_at' | 'expired' | 'use_count' | 'max_uses'>): TInviteState {
  if (r.revoked_at) return 'revoked'
  if (r.use_count >= r.max_uses) return 'used'
  return r.expired ? 'expired' : 'active'
}

export function toInvite(r: WorkspaceInviteDbRow): TInvite {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    role: r.role,
    note: r.note,
    email: r.email,
    maxUses: r.max_uses,
    useCount: r.use_count,
    expiresAt: r.expires_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by ? { id: r.created_by, name: r.created_by_name ?? 'Someone' } : null,
    state: inviteState(r),
  }
}
