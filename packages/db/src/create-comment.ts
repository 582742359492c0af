import { AppError, AppErrorCode, type TComment, type TCommentRegion } from '@montage/core'
import type postgres from 'postgres'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'

export interface CreateCommentOptions {
  boardId: string
  variationId: string
  /** The thread's root; a reply to a reply is stored under the same root. */
  parentId?: string | null
  author: { id: string; name: string } | { guestName: string; reviewLinkId: string }
  body: string
  mentions: string[]
  timeSeconds?: number | null
  endSeconds?: number | null
  region?: TCommentRegion | null
  /**
   * A guest's comment: the link's quota. At this many guest comments on the link the comment is
   * refused (QUOTA_EXCEEDED); comments on one link are stored one at a time while it is counted.
   */
  maxGuestCommentsPerLink?: number
  /**
   * Runs in the comment's transaction once it is inserted: what must be stored with the comment or
   * not at all (its webhook deliveries). A failure here stores no comment.
   */
  alsoStore?: (tx: postgres.TransactionSql, comment: TComment) => Promise<void>
}

/** Stores a comment; null when `parentId` names no comment of this board and variation. */
export async function createComment(sql: Sql, opts: CreateCommentOptions): Promise<TComment | null> {
  return sql.begin(async (tx) => {
    let parentId: string | null = null
    if (opts.parentId) {
      const [parent] = await tx<{ id: string; parent_id: string | null }[]>`
        SELECT id, parent_id FROM comments WHERE id = ${opts.parentId} AND board_id = ${opts.boardId} AND variation_id = ${opts.variationId}`
      if (!parent) return null
      parentId = parent.parent_id ?? parent.id
    }
    const guest = 'guestName' in opts.author
    if ('reviewLinkId' in opts.author && opts.maxGuestCommentsPerLink !== undefined) {
      await tx`SELECT id FROM review_links WHERE id = ${opts.author.reviewLinkId} FOR UPDATE`
      const [row] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM comments WHERE review_link_id = ${opts.author.reviewLinkId}`
      if (row!.n >= opts.maxGuestCommentsPerLink) {
        throw new AppError(AppErrorCode.QUOTA_EXCEEDED, `This review link has ${row!.n} guest comments, the most it takes (limit ${opts.maxGuestCommentsPerLink}). Ask whoever sent it for a new link.`, {
          limit: 'guestCommentsPerLink',
        })
      }
    }
    const [row] = await tx<CommentDbRow[]>`
      INSERT INTO comments (board_id, variation_id, parent_id, author_id, author_name, review_link_id, guest, body, mentions, time_seconds, end_seconds, region)
      VALUES (${opts.boardId}, ${opts.variationId}, ${parentId},
              ${'id' in opts.author ? opts.author.id : null},
              ${'guestName' in opts.author ? opts.author.guestName : opts.author.name},
              ${'reviewLinkId' in opts.author ? opts.author.reviewLinkId : null},
              ${guest}, ${opts.body}, ${tx.array(opts.mentions)}::uuid[],
              ${opts.timeSeconds ?? null}, ${opts.endSeconds ?? null},
              ${opts.region ? tx.json(opts.region as never) : null})
      RETURNING ${tx.unsafe(COMMENT_COLUMNS)}`
    const comment = toComment(row!)
    await opts.alsoStore?.(tx, comment)
    return comment
  })
}
