import { AppError, AppErrorCode, type TRole } from '@montage/core'
import type { Sql } from './client'
import { lockWorkspaceMembers, readMemberUnderLock } from './change-member-role'

/**
 * Takes a person out of a workspace (an owner removing them, or they leaving); refused (CONFLICT)
 * for the last owner, who would leave the workspace nobody can run. Their boards, uploads and
 * generations stay: they belong to the workspace.
 */
export async function removeMember(sql: Sql, opts: { workspaceId: string; userId: string }): Promise<{ previous: TRole }> {
  return sql.begin(async (tx) => {
    await lockWorkspaceMembers(tx, opts.workspaceId)
    const { role, owners } = await readMemberUnderLock(tx, opts)
    if (role === 'owner' && owners <= 1) {
      throw new AppError(AppErrorCode.CONFLICT, 'The last owner cannot leave the workspace: make someone else an owner first.')
    }
    await tx`DELETE FROM memberships WHERE workspace_id = ${opts.workspaceId} AND user_id = ${opts.userId}`
    return { previous: role }
  })
}
