import type { Metadata } from 'next'
import { getEmailPreference, listUserSessions } from '@montage/db'
import { EmailPreferences } from '@/components/account/EmailPreferences'
import { SessionList } from '@/components/account/SessionList'
import { PageHeader } from '@/components/PageHeader'
import { describeUserAgent } from '@/lib/describe-user-agent'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requirePageSession } from '@/lib/server/session'

export const metadata: Metadata = { title: 'Your account · Montage' }

export default async function AccountPage() {
  const { user, sessionId } = await requirePageSession()
  const clerk = webEnv().AUTH_MODE === 'clerk'
  const sessions = clerk
    ? []
    : (await listUserSessions(db(), user.id)).map((s) => ({
        id: s.id,
        device: describeUserAgent(s.userAgent),
        kind: s.kind,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        current: s.id === sessionId,
      }))
  const emailPreference = await getEmailPreference(db(), user.id)
  return (
    <div className="page">
      <PageHeader user={user} clerk={clerk} />
      <main className="page-main" style={{ maxWidth: 760 }}>
        <h1 style={{ fontSize: 24 }}>Your account</h1>
        <p className="muted" style={{ margin: '4px 0 0' }}>{user.name}{user.email ? ` · ${user.email}` : ''}</p>

        <section className="section panel">
          <div className="panel-head">
            <h2>Where you are signed in</h2>
            <span className="muted" style={{ fontSize: 12 }}>Signing a session out closes its open boards at once.</span>
          </div>
          {clerk ? (
            <div className="row-empty">Your sessions are managed by Clerk: use its account menu to sign out other devices.</div>
          ) : (
            <SessionList sessions={sessions} />
          )}
        </section>

        <section className="section panel">
          <div className="panel-head">
            <h2>Email notifications</h2>
            <span className="muted" style={{ fontSize: 12 }}>The bell on every board shows them all.</span>
          </div>
          <EmailPreferences initial={emailPreference} smtpConfigured={!!webEnv().SMTP_URL} />
        </section>
      </main>
    </div>
  )
}
