import type { TRole } from '@montage/core'
import type { Sql } from './client'

export interface TRosterMember {
  id: string
  name: string
  /** The email they sign in with; null for passwordless (demo) and Clerk people without one. */
  email: string | null
  role: TRole
  joinedAt: string
}

/** Everyone in a workspace, owners first, for the members panel (only owners see it: it shows emails). */
export async function listWorkspaceRoster(sql: Sql, workspaceId: string): Promise<TRosterMember[]> {
  const rows = await sql<(Omit<TRosterMember, 'joinedAt'> & { joinedAt: Date })[]>`
    SELECT u.id, u.name, coalesce(p.email, u.email) AS email, m.role, m.created_at AS "joinedAt"
    FROM memberships m JOIN users u ON u.id = m.user_id LEFT JOIN password_credentials p ON p.user_id = u.id
    WHERE m.workspace_id = ${workspaceId}
    ORDER BY array_position(ARRAY['owner', 'producer', 'editor', 'reviewer']::member_role[], m.role), u.name, u.id`
  return rows.map((r) => ({ ...r, joinedAt: r.joinedAt.toISOString() }))
}
