import type { Sql } from './client'
import { AUTH_SESSION_COLUMNS, toAuthSessionRow, type AuthSessionDbRow, type TAuthSessionRow } from './auth-session-row'

/** A user's sessions that are still live, newest first (ended ones stay in the table, unlisted). */
export async function listUserSessions(sql: Sql, userId: string): Promise<TAuthSessionRow[]> {
  const rows = await sql<AuthSessionDbRow[]>`
    SELECT ${sql.unsafe(AUTH_SESSION_COLUMNS)} FROM auth_sessions
    WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > now()
    ORDER BY created_at DESC LIMIT 100`
  return rows.map(toAuthSessionRow)
}
