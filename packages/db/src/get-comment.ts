import type { TComment } from '@montage/core'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function getComment(sql: Sql, commentId: string): Promise<TComment | null> {
  if (!UUID.test(commentId)) return null
  const [row] = await sql<CommentDbRow[]>`SELECT ${sql.unsafe(COMMENT_COLUMNS)} FROM comments WHERE id = ${commentId}`
  return row ? toComment(row) : null
}
