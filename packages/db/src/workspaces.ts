import type { TRole } from '@montage/core'
import type { Sql } from './client'

export interface TWorkspaceRow {
  id: string
  name: string
}

export interface TMembershipRow {
  workspaceId: string
  workspaceName: string
  role: TRole
}

export async function createWorkspace(sql: Sql, opts: { name: string; ownerId: string; id?: string }): Promise<TWorkspaceRow> {
  return sql.begin(async (tx) => {
    const [ws] = await tx<TWorkspaceRow[]>`
      INSERT INTO workspaces (id, name) VALUES (${opts.id ?? sql`gen_random_uuid()`}, ${opts.name})
      RETURNING id, name`
    await tx`INSERT INTO memberships (workspace_id, user_id, role) VALUES (${ws!.id}, ${opts.ownerId}, 'owner')`
    return ws!
  })
}

export async function addMember(sql: Sql, opts: { workspaceId: string; userId: string; role: TRole }): Promise<void> {
  await sql`
    INSERT INTO memberships (workspace_id, user_id, role) VALUES (${opts.workspaceId}, ${opts.userId}, ${opts.role})
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = EXCLUDED.role`
}

export async function listMemberships(sql: Sql, userId: string): Promise<TMembershipRow[]> {
  return sql<TMembershipRow[]>`
    SELECT m.workspace_id AS "workspaceId", w.name AS "workspaceName", m.role
    FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
    WHERE m.user_id = ${userId} ORDER BY w.created_at`
}

export async function getWorkspaceRole(sql: Sql, opts: { userId: string; workspaceId: string }): Promise<TRole | null> {
  const [row] = await sql<{ role: TRole }[]>`
    SELECT role FROM memberships WHERE user_id = ${opts.userId} AND workspace_id = ${opts.workspaceId}`
  return row?.role ?? null
}
