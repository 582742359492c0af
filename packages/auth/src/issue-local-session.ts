import type { TSessionKind } from '@montage/core'
import { createAuthSession, type Sql, type TAuthSessionRow } from '@montage/db'
import { signLocalToken } from './sign-local-token'

export interface IssueLocalSessionOptions {
  db: Sql
  /** The local key pair's private half (`ensureLocalKeys`). */
  privateKeyPem: string
  user: { id: string; authSubject: string; name: string }
  kind: TSessionKind
  ttlSeconds: number
  userAgent?: string | null
}

/** A sign-in: a session row, and a token that names it (`sid`) and ends with it. */
export async function issueLocalSession(opts: IssueLocalSessionOptions): Promise<{ token: string; session: TAuthSessionRow }> {
  const session = await createAuthSession(opts.db, { userId: opts.user.id, kind: opts.kind, ttlSeconds: opts.ttlSeconds, userAgent: opts.userAgent })
  const token = await signLocalToken({
    privateKeyPem: opts.privateKeyPem,
    subject: opts.user.authSubject,
    name: opts.user.name,
    sessionId: session.id,
    ttlSeconds: opts.ttlSeconds,
  })
  return { token, session }
}
