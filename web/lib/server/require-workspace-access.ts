import { isUuid, AppError, AppErrorCode, type TPermission, type TRole } from '@montage/core'
import { getWorkspaceRole, type Sql } from '@montage/db'
import { callerRole, requirePermission, type TCaller } from './caller'

/**
 * The caller's role in a workspace, or NOT_FOUND when they are no member (a non-member, or a key
 * of another workspace, learns nothing about what exists there) / FORBIDDEN when the role or the
 * key's scopes do not allow `permission`.
 */
export async function requireWorkspaceAccess(sql: Sql, opts: { workspaceId: string; caller: TCaller; permission: TPermission }): Promise<TRole> {
  // An id from the URL that is no UUID names nothing (and would be a database error).
  if (!isUuid(opts.workspaceId)) throw new AppError(AppErrorCode.NOT_FOUND, 'No such workspace.')
  const role = callerRole(opts.caller, opts.workspaceId, await getWorkspaceRole(sql, { userId: opts.caller.userId, workspaceId: opts.workspaceId }))
  if (!role) throw new AppError(AppErrorCode.NOT_FOUND, 'No such workspace.')
  requirePermission(opts.caller, role, opts.permission, 'in this workspace')
  return role
}
