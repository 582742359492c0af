import { AppError, AppErrorCode, roleCan, type TRole } from '@montage/core'
import { getBoardAccess, type Sql } from '@montage/db'
import { authenticateSessionToken } from '@montage/auth'

export interface AuthorizeConnectionOptions {
  db: Sql
  jwtKey: string
  authMode: 'local' | 'clerk'
  demoMode: boolean
  boardId: string
  token: string | null
}

export interface TConnectionGrant {
  userId: string
  /** The board's workspace (a removed member's sockets close on all its boards). */
  workspaceId: string
  /** The account's name, shown on the person's cursor. */
  userName: string
  role: TRole
  canWrite: boolean
  /** May write comment drafts (a reviewer, who may comment but not edit the board). */
  canComment: boolean
  /** The local session the token belongs to (its sockets close when it is signed out); null in Clerk mode. */
  sessionId: string | null
}

/** Who is connecting and what they may do on the board; throws an AppError that maps to a close code. */
export async function authorizeConnection(opts: AuthorizeConnectionOptions): Promise<TConnectionGrant> {
  const { user, sessionId } = await authenticateSessionToken({ db: opts.db, jwtKey: opts.jwtKey, authMode: opts.authMode, demoMode: opts.demoMode, token: opts.token })
  if (!user) throw new AppError(AppErrorCode.UNAUTHORIZED, 'Your account is unknown here: sign in again.')
  const access = await getBoardAccess(opts.db, { boardId: opts.boardId, userId: user.id })
  if (!access) throw new AppError(AppErrorCode.NOT_FOUND, 'This board does not exist.')
  if (!access.role || !roleCan(access.role, 'board.view')) {
    throw new AppError(AppErrorCode.FORBIDDEN, "You are not a member of this board's workspace.")
  }
  return { userId: user.id, workspaceId: access.board.workspaceId, userName: user.name, role: access.role, canWrite: roleCan(access.role, 'board.edit'), canComment: roleCan(access.role, 'comment.create'), sessionId }
}
