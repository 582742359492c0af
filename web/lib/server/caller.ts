import { AppError, AppErrorCode, roleCan, scopesAllow, type TApiKeyScope, type TPermission, type TRole } from '@montage/core'

/**
 * Who is asking, as every authorization check sees it: a person's session, or an API key acting
 * for the member who created it. Checks take a `TCaller`, never a bare user id, so no route can
 * forget a key's workspace or scopes.
 */
export interface TCaller {
  userId: string
  /** Set when the request came with `Authorization: Bearer mtg_…`. */
  apiKey: { id: string; name: string; workspaceId: string; scopes: TApiKeyScope[] } | null
}

/** The caller's role in a workspace: the member's role, or none for a key of another workspace. */
export function callerRole(caller: TCaller, workspaceId: string, memberRole: TRole | null): TRole | null {
  if (caller.apiKey && caller.apiKey.workspaceId !== workspaceId) return null
  return memberRole
}

/** Whether the role allows `permission` and, for a key, one of its scopes does too. */
export function callerCan(caller: TCaller, role: TRole, permission: TPermission): boolean {
  return roleCan(role, permission) && (!caller.apiKey || scopesAllow(caller.apiKey.scopes, permission))
}

/** FORBIDDEN naming what refused: the role, or the key's scopes. */
export function requirePermission(caller: TCaller, role: TRole, permission: TPermission, where: string): void {
  const what = permission.replace('.', ' ')
  if (!roleCan(role, permission)) throw new AppError(AppErrorCode.FORBIDDEN, `Your role (${role}) does not allow ${what} ${where}.`)
  if (caller.apiKey && !scopesAllow(caller.apiKey.scopes, permission)) {
    throw new AppError(AppErrorCode.FORBIDDEN, `This API key's scopes (${caller.apiKey.scopes.join(', ')}) do not allow ${what} ${where}.`)
  }
}
