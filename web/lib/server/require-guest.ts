import { cookies } from 'next/headers'
import { AppError, AppErrorCode } from '@montage/core'
import { findGuestSession, findReviewLink, getBoard, type Sql, type TBoardRow, type TGuestSession, type TReviewLinkRow } from '@montage/db'

/** The guest's cookie; it names a session of one link (checked on every request). */
export const GUEST_SESSION_COOKIE = 'montage_guest'

/** The link a token opens, or 404 (no such link) / 410 (expired or revoked: gone for good). */
export async function requireActiveReviewLink(sql: Sql, token: string): Promise<{ link: TReviewLinkRow; board: TBoardRow }> {
  const found = await findReviewLink(sql, token)
  if (!found) throw new AppError(AppErrorCode.NOT_FOUND, 'This review link does not exist.')
  if (found.state === 'revoked') throw new AppError(AppErrorCode.GONE, 'This review link has been revoked. Ask whoever sent it for a new one.')
  if (found.state === 'expired') throw new AppError(AppErrorCode.GONE, 'This review link has expired. Ask whoever sent it for a new one.')
  const board = await getBoard(sql, found.link.boardId)
  if (!board) throw new AppError(AppErrorCode.GONE, 'The board of this review link no longer exists.')
  return { link: found.link, board }
}

/** An active link plus the guest session in the cookie, which must belong to that link. */
export async function requireGuest(sql: Sql, token: string): Promise<{ link: TReviewLinkRow; board: TBoardRow; guest: TGuestSession }> {
  const { link, board } = await requireActiveReviewLink(sql, token)
  const cookie = (await cookies()).get(GUEST_SESSION_COOKIE)?.value
  const guest = cookie ? await findGuestSession(sql, { token: cookie, reviewLinkId: link.id }) : null
  if (!guest) throw new AppError(AppErrorCode.UNAUTHORIZED, 'Open the review link and give your name first.')
  return { link, board, guest }
}
