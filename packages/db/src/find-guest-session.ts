import type { Sql } from './client'
import { hashLinkToken } from './review-link-secrets'

export interface TGuestSession {
  id: string
  reviewLinkId: string
  name: string
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** The guest session a cookie token opens, only if it belongs to that link. */
export async function findGuestSession(sql: Sql, opts: { token: string; reviewLinkId: string }): Promise<TGuestSession | null> {
  if (!TOKEN.test(opts.token)) return null
  const [row] = await sql<TGuestSession[]>`
    SELECT id, review_link_id AS "reviewLinkId", name FROM review_guest_sessions
    WHERE token_hash = ${hashLinkToken(opts.token)} AND review_link_id = ${opts.reviewLinkId}`
  return row ?? null
}
