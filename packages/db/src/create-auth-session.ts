import type { TSessionKind } from '@montage/core'
import type { Sql } from './client'
import { AUTH_SESSION_COLUMNS, toAuthSessionRow, type AuthSessionDbRow, type TAuthSessionRow } from './auth-session-row'

export interface CreateAuthSessionOptions {
  userId: string
  kind: TSessionKind
  ttlSeconds: number
  /** The browser's User-Agent, cut to what the column holds; shown on the account page. */
  userAgent?: string | null
}

/** Starts a session; its id goes into the token (`sid`), which every check looks up here. */
export async function createAuthSession(sql: Sql, opts: CreateAuthSessionOptions): Promise<TAuthSessionRow> {
  const [row] = await sql<AuthSessionDbRow[]>`
    INSERT INTO auth_sessions (user_id, kind, expires_at, user_agent)
    VALUES (${opts.userId}, ${opts.kind}, now() + make_interval(secs => ${opts.ttlSeconds}), ${opts.userAgent?.slice(0, 400) || null})
    RETURNING ${sql.unsafe(AUTH_SESSION_COLUMNS)}`
  return toAuthSessionRow(row!)
}
