import type { Sql } from './client'
import { REVIEW_LINK_COLUMNS, toReviewLinkRow, type ReviewLinkDbRow, type TReviewLinkRow } from './review-link-row'
import { hashLinkToken } from './review-link-secrets'

export type TReviewLinkState = 'active' | 'expired' | 'revoked'

export interface FoundReviewLink {
  link: TReviewLinkRow
  /** Judged by the database clock, the same clock that set `expires_at`. */
  state: TReviewLinkState
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** The link a token opens, with whether it still may; null for a token no link has. */
export async function findReviewLink(sql: Sql, token: string): Promise<FoundReviewLink | null> {
  if (!TOKEN.test(token)) return null
  const [row] = await sql<(ReviewLinkDbRow & { expired: boolean })[]>`
    SELECT ${sql.unsafe(REVIEW_LINK_COLUMNS)}, expires_at <= now() AS expired
    FROM review_links WHERE token_hash = ${hashLinkToken(token)}`
  if (!row) return null
  const { expired, ...rest } = row
  return { link: toReviewLinkRow(rest), state: rest.revoked_at ? 'revoked' : expired ? 'expired' : 'active' }
}
