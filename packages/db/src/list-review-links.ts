import type { Sql } from './client'
import { REVIEW_LINK_COLUMNS, toReviewLinkRow, type ReviewLinkDbRow, type TReviewLinkRow } from './review-link-row'

/** A board's links, newest first, revoked and expired ones included (the producer sees their history). */
export async function listReviewLinks(sql: Sql, boardId: string): Promise<TReviewLinkRow[]> {
  const rows = await sql<ReviewLinkDbRow[]>`
    SELECT ${sql.unsafe(REVIEW_LINK_COLUMNS)} FROM review_links WHERE board_id = ${boardId} ORDER BY created_at DESC, id`
  return rows.map(toReviewLinkRow)
}
