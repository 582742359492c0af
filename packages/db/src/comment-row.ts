import type { TComment, TCommentRegion } from '@montage/core'

/** The columns every comment query selects, and their mapping to the API's comment. */
export const COMMENT_COLUMNS = `id, board_id, variation_id, parent_id, author_id, author_name, guest, body, mentions,
  time_seconds, end_seconds, region, resolved_at, created_at`

export interface CommentDbRow {
  id: string
  board_id: string
  variation_id: string
  parent_id: string | null
  author_id: string | null
  author_name: string
  guest: boolean
  body: string
  mentions: string[]
  time_seconds: number | null
  end_seconds: number | null
  region: TCommentRegion | null
  resolved_at: Date | null
  created_at: Date
}

export function toComment(r: CommentDbRow): TComment {
  return {
    id: r.id,
    boardId: r.board_id,
    variationId: r.variation_id,
    parentId: r.parent_id,
    author: { id: r.author_id, name: r.author_name, guest: r.guest },
    body: r.body,
    mentions: r.mentions,
    timeSeconds: r.time_seconds,
    endSeconds: r.end_seconds,
    region: r.region,
    resolved: r.resolved_at !== null,
    createdAt: r.created_at.toISOString(),
  }
}
