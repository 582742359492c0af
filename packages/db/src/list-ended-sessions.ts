import type { Sql } from './client'

/** Of these session ids, the ones that no longer let anyone in: revoked, expired, or gone. */
export async function listEndedSessions(sql: Sql, sessionIds: string[]): Promise<string[]> {
  if (sessionIds.length === 0) return []
  const live = await sql<{ id: string }[]>`
    SELECT id FROM auth_sessions
    WHERE id = ANY(${sessionIds}::uuid[]) AND revoked_at IS NULL AND expires_at > now()`
  const liveIds = new Set(live.map((r) => r.id))
  return sessionIds.filter((id) => !liveIds.has(id))
}
