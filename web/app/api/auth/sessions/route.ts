import { NextResponse } from 'next/server'
import type { TSessionInfo } from '@montage/core'
import { listUserSessions } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireLocalAuth, requirePersonSession } from '@/lib/server/session'

/** The caller's live sessions (browsers signed in as them), newest first, the current one marked. */
export const GET = route(async () => {
  requireLocalAuth('Session management')
  const { user, sessionId } = await requirePersonSession('list sign-in sessions')
  const sessions: TSessionInfo[] = (await listUserSessions(db(), user.id)).map((s) => ({
    id: s.id,
    kind: s.kind,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    revokedAt: s.revokedAt?.toISOString() ?? null,
    userAgent: s.userAgent,
    current: s.id === sessionId,
  }))
  return NextResponse.json({ sessions })
})
