import { AppError, AppErrorCode, type TPermission, type TRole } from '@montage/core'
import { getBoardAccess, type Sql, type TBoardRow } from '@montage/db'
import { callerRole, requirePermission, type TCaller } from './caller'

export interface RequireBoardAccessOptions {
  boardId: string
  caller: TCaller
  permission: TPermission
}

/** The board and the caller's role, or NOT_FOUND (no such board) / FORBIDDEN (not allowed). */
export async function requireBoardAccess(sql: Sql, opts: RequireBoardAccessOptions): Promise<{ board: TBoardRow; role: TRole }> {
  const access = await getBoardAccess(sql, { boardId: opts.boardId, userId: opts.caller.userId })
  if (!access) throw new AppError(AppErrorCode.NOT_FOUND, 'This board does not exist.')
  const role = callerRole(opts.caller, access.board.workspaceId, access.role)
  if (!role) throw new AppError(AppErrorCode.FORBIDDEN, "You are not a member of this board's workspace.")
  requirePermission(opts.caller, role, opts.permission, 'on this board')
  return { board: access.board, role }
}
