import type { TSessionKind } from '@montage/core'

export const AUTH_SESSION_COLUMNS = 'id, user_id, kind, created_at, expires_at, last_seen_at, revoked_at, user_agent'

export interface AuthSessionDbRow {
  id: string
  user_id: string
  kind: TSessionKind
  created_at: Date
  expires_at: Date
  last_seen_at: Date
  revoked_at: Date | null
  user_agent: string | null
}

export interface TAuthSessionRow {
  id: string
  userId: string
  kind: TSessionKind
  createdAt: Date
  expiresAt: Date
  lastSeenAt: Date
  revokedAt: Date | null
  userAgent: string | null
}

export function toAuthSessionRow(r: AuthSessionDbRow): TAuthSessionRow {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    userAgent: r.user_agent,
  }
}
