import { AppError, AppErrorCode, roleCan, type TPermission, type TRole } from '@montage/core'
import { getWorkspaceRole, type Sql } from '@montage/db'

/**
 * The caller's role in a workspace, or NOT_FOUND when they are no member (a non-member learns
 * nothing about what exists there) / FORBIDDEN when the role does not allow `permission`.
 */
export async function requireWorkspaceAccess(sql: Sql, opts: { workspaceId: string; userId: string; permission: TPermission }): Promise<TRole> {
  const role = await getWorkspaceRole(sql, { userId: opts.userId, workspaceId: opts.workspaceId })
  if (!role) throw new AppError(AppErrorCode.NOT_FOUND, 'No such workspace.')
  if (!roleCan(role, opts.permission)) {
    throw new AppError(AppErrorCode.FORBIDDEN, `Your role (${role}) does not allow ${opts.permission.replace('.', ' ')} in this workspace.`)
  }
  return role
}
