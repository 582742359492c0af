import type { TComment } from '@montage/core'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'

export interface ListCommentsOptions {
  boardId: string
  variationId?: string
  /** Only comments on these variations (a review link's scope). */
  variationIds?: string[]
}

/** A board's comments, oldest first, so threads read top to bottom. */
export async function listComments(sql: Sql, opts: ListCommentsOptions): Promise<TComment[]> {
  const rows = await sql<CommentDbRow[]>`
    SELECT ${sql.unsafe(COMMENT_COLUMNS)} FROM comments
    WHERE board_id = ${opts.boardId}
      ${opts.variationId ? sql`AND variation_id = ${opts.variationId}` : sql``}
      ${opts.variationIds ? sql`AND variation_id = ANY(${sql.array(opts.variationIds)}::text[])` : sql``}
    ORDER BY created_at, id`
  return rows.map(toComment)
}
