import { AppError, AppErrorCode, roleCan, type TPermission, type TRole } from '@montage/core'
import { getBoardAccess, type Sql, type TBoardRow } from '@montage/db'

export interface RequireBoardAccessOptions {
  boardId: string
  userId: string
  permission: TPermission
}

/** The board and the caller's role, or NOT_FOUND (no such board) / FORBIDDEN (not allowed). */
export async function requireBoardAccess(sql: Sql, opts: RequireBoardAccessOptions): Promise<{ board: TBoardRow; role: TRole }> {
  const access = await getBoardAccess(sql, { boardId: opts.boardId, userId: opts.userId })
  if (!access) throw new AppError(AppErrorCode.NOT_FOUND, 'This board does not exist.')
  if (!access.role) throw new AppError(AppErrorCode.FORBIDDEN, "You are not a member of this board's workspace.")
  if (!roleCan(access.role, opts.permission)) {
    throw new AppError(AppErrorCode.FORBIDDEN, `Your role (${access.role}) does not allow ${opts.permission.replace('.', ' ')} on this board.`)
  }
  return { board: access.board, role: access.role }
}
