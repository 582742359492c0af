import type { TThreadSummary } from '@montage/core'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'

const EXCERPT_MAX = 140

/** The board's summary of a thread (root comment plus reply count), or null when the root is gone. */
export async function getThreadSummary(sql: Sql, rootId: string): Promise<TThreadSummary | null> {
  const [row] = await sql<(CommentDbRow & { replies: number; updated_at: Date })[]>`
    SELECT ${sql.unsafe(COMMENT_COLUMNS)},
      (SELECT count(*)::int FROM comments r WHERE r.parent_id = c.id) AS replies,
      greatest(c.created_at, c.resolved_at, (SELECT max(r.created_at) FROM comments r WHERE r.parent_id = c.id)) AS updated_at
    FROM comments c WHERE c.id = ${rootId} AND c.parent_id IS NULL`
  if (!row) return null
  const c = toComment(row)
  const flat = c.body.replace(/\s+/g, ' ')
  return {
    id: c.id,
    variationId: c.variationId,
    timeSeconds: c.timeSeconds,
    endSeconds: c.endSeconds,
    region: c.region,
    authorName: c.author.name,
    excerpt: flat.length > EXCERPT_MAX ? `${flat.slice(0, EXCERPT_MAX - 1)}…` : flat,
    replies: row.replies,
    resolved: c.resolved,
    updatedAt: row.updated_at.toISOString(),
  }
}
