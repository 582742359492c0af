import type { Sql } from './client'
import { AUTH_SESSION_COLUMNS, toAuthSessionRow, type AuthSessionDbRow, type TAuthSessionRow } from './auth-session-row'

/**
 * Ends a session of that user for good (revoking again keeps the first time); null when the user
 * has no such session, so nobody can end, or learn of, someone else's.
 */
export async function revokeAuthSession(sql: Sql, opts: { sessionId: string; userId: string }): Promise<TAuthSessionRow | null> {
  const [row] = await sql<AuthSessionDbRow[]>`
    UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, now())
    WHERE id = ${opts.sessionId} AND user_id = ${opts.userId}
    RETURNING ${sql.unsafe(AUTH_SESSION_COLUMNS)}`
  return row ? toAuthSessionRow(row) : null
}
