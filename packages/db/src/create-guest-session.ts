import type { Sql } from './client'
import { hashLinkToken, newLinkToken } from './review-link-secrets'

/** Opens a guest session on a link; the returned token goes into the guest's cookie and nowhere else. */
export async function createGuestSession(sql: Sql, opts: { reviewLinkId: string; name: string }): Promise<{ id: string; token: string }> {
  const token = newLinkToken()
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO review_guest_sessions (review_link_id, token_hash, name)
    VALUES (${opts.reviewLinkId}, ${hashLinkToken(token)}, ${opts.name}) RETURNING id`
  return { id: row!.id, token }
}
