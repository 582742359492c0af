import { isUuid, type TComment } from '@montage/core'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'

export async function getComment(sql: Sql, commentId: string): Promise<TComment | null> {
  if (!isUuid(commentId)) return null
  const [row] = await sql<CommentDbRow[]>`SELECT ${sql.unsafe(COMMENT_COLUMNS)} FROM comments WHERE id = ${commentId}`
  return row ? toComment(row) : null
}
