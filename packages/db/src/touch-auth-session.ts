import type { Sql } from './client'

/** Records that the session was used; at most once a minute, so a busy page does not write on every request. */
export async function touchAuthSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`
    UPDATE auth_sessions SET last_seen_at = now()
    WHERE id = ${sessionId} AND last_seen_at < now() - interval '1 minute'`
}
