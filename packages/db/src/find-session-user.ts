import { isUuid } from '@montage/core'
import type { Sql } from './client'
import { AUTH_SESSION_COLUMNS, toAuthSessionRow, type AuthSessionDbRow, type TAuthSessionRow } from './auth-session-row'
import type { TUserRow } from './users'

export interface FoundSessionUser {
  session: TAuthSessionRow
  user: TUserRow
  /** Judged by the database clock, the one that set `expires_at`. */
  expired: boolean
}

/** A session with its user, revoked and expired ones included (the caller says why it refuses); null when there is none. */
export async function findSessionUser(sql: Sql, sessionId: string): Promise<FoundSessionUser | null> {
  if (!isUuid(sessionId)) return null
  const columns = AUTH_SESSION_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')
  const [row] = await sql<(AuthSessionDbRow & { expired: boolean; auth_subject: string; name: string; email: string | null })[]>`
    SELECT ${sql.unsafe(columns)}, s.expires_at <= now() AS expired, u.auth_subject, u.name, u.email
    FROM auth_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = ${sessionId}`
  if (!row) return null
  const { expired, auth_subject, name, email, ...session } = row
  return { session: toAuthSessionRow(session), user: { id: session.user_id, authSubject: auth_subject, name, email }, expired }
}
