import type { TComment } from '@montage/core'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'

export interface SetCommentResolvedOptions {
  commentId: string
  resolved: boolean
  by: string
}

/** Resolves or reopens a comment; resolving twice keeps the first resolver and time. */
export async function setCommentResolved(sql: Sql, opts: SetCommentResolvedOptions): Promise<TComment | null> {
  const [row] = await sql<CommentDbRow[]>`
    UPDATE comments SET
      resolved_at = ${opts.resolved ? sql`coalesce(resolved_at, now())` : null},
      resolved_by = ${opts.resolved ? sql`coalesce(resolved_by, ${opts.by}::uuid)` : null}
    WHERE id = ${opts.commentId}
    RETURNING ${sql.unsafe(COMMENT_COLUMNS)}`
  return row ? toComment(row) : null
}
