import type { Sql } from './client'
import { REVIEW_LINK_COLUMNS, toReviewLinkRow, type ReviewLinkDbRow, type TReviewLinkRow } from './review-link-row'

/** Revokes a link for good (its guests' sessions die with it: each request checks the link); revoking again keeps the first time. */
export async function revokeReviewLink(sql: Sql, linkId: string): Promise<TReviewLinkRow | null> {
  const [row] = await sql<ReviewLinkDbRow[]>`
    UPDATE review_links SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${linkId}
    RETURNING ${sql.unsafe(REVIEW_LINK_COLUMNS)}`
  return row ? toReviewLinkRow(row) : null
}
