import type { Sql } from './client'
import { REVIEW_LINK_COLUMNS, toReviewLinkRow, type ReviewLinkDbRow, type TReviewLinkRow } from './review-link-row'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function getReviewLink(sql: Sql, linkId: string): Promise<TReviewLinkRow | null> {
  if (!UUID.test(linkId)) return null
  const [row] = await sql<ReviewLinkDbRow[]>`SELECT ${sql.unsafe(REVIEW_LINK_COLUMNS)} FROM review_links WHERE id = ${linkId}`
  return row ? toReviewLinkRow(row) : null
}
