import { AppError, AppErrorCode, type TRole } from '@montage/core'
import type postgres from 'postgres'
import type { Sql } from './client'

type Tx = postgres.TransactionSql

export interface ChangeMemberRoleOptions {
  workspaceId: string
  userId: string
  role: TRole
}

/**
 * Serialises every change to a workspace's members (role changes and removals), so two owners
 * demoting each other at once cannot leave the workspace without one.
 */
export async function lockWorkspaceMembers(tx: Tx, workspaceId: string): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`workspace-members:${workspaceId}`}, 0))`
}

/** The member's role, and how many owners the workspace has, read under the members lock. */
export async function readMemberUnderLock(tx: Tx, opts: { workspaceId: string; userId: string }): Promise<{ role: TRole; owners: number }> {
  const [row] = await tx<{ role: TRole | null; owners: number }[]>`
    SELECT (SELECT role FROM memberships WHERE workspace_id = ${opts.workspaceId} AND user_id = ${opts.userId}) AS role,
           (SELECT count(*)::int FROM memberships WHERE workspace_id = ${opts.workspaceId} AND role = 'owner') AS owners`
  if (!row?.role) throw new AppError(AppErrorCode.NOT_FOUND, 'This person is not a member of the workspace.')
  return { role: row.role, owners: row.owners }
}

/** Gives a member another role; refused (CONFLICT) when it would leave the workspace without an owner. */
export async function changeMemberRole(sql: Sql, opts: ChangeMemberRoleOptions): Promise<{ previous: TRole; role: TRole }> {
  return sql.begin(async (tx) => {
    await lockWorkspaceMembers(tx, opts.workspaceId)
    const { role: previous, owners } = await readMemberUnderLock(tx, opts)
    if (previous === 'owner' && opts.role !== 'owner' && owners <= 1) {
      throw new AppError(AppErrorCode.CONFLICT, 'The last owner cannot be demoted: make someone else an owner first.', { field: 'role' })
    }
    if (previous !== opts.role) {
      await tx`UPDATE memberships SET role = ${opts.role} WHERE workspace_id = ${opts.workspaceId} AND user_id = ${opts.userId}`
    }
    return { previous, role: opts.role }
  })
}
