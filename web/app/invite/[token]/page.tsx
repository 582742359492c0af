import type { Metadata } from 'next'
import Link from 'next/link'
import { findWorkspaceInvite, getWorkspaceRole } from '@montage/db'
import { AcceptInvite } from '@/components/auth/AcceptInvite'
import { SignUpForm } from '@/components/auth/SignUpForm'
import { StatusPage } from '@/components/StatusPage'
import { colorFor, initials } from '@/lib/client/avatar'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { optionalSession } from '@/lib/server/session'

export const metadata: Metadata = { title: 'Invitation · Montage', robots: { index: false, follow: false } }

type Props = { params: Promise<{ token: string }> }

const ROLE_WHAT = {
  owner: 'run the workspace, its members and everything in it',
  producer: 'edit boards, generate, approve work and share review links',
  editor: 'edit boards and generate',
  reviewer: 'view boards and comment',
} as const

const ENDED = {
  expired: { title: 'This invite has expired', message: 'Invite links last a limited time. Ask whoever sent it for a new one.' },
  revoked: { title: 'This invite was revoked', message: 'Its owner turned it off. Ask them for a new one if you still need to join.' },
  used: { title: 'This invite has already been used', message: 'Each link admits a set number of people. Ask whoever sent it for a new one.' },
} as const

/** Where an invite link leads: who invites you where, then a sign-up form (signed out) or a Join button (signed in). */
export default async function InvitePage({ params }: Props) {
  const { token } = await params
  const sql = db()
  const found = await findWorkspaceInvite(sql, token)
  if (!found) return <StatusPage code="404 · Invite" title="This invite link is not valid" message="Check that you copied the whole link, or ask for a new one." testId="invite-invalid" />
  const { invite, workspaceName } = found
  if (invite.state !== 'active') return <StatusPage code={`410 · Invite ${invite.state}`} {...ENDED[invite.state]} testId="invite-ended" />

  const session = await optionalSession()
  const memberRole = session ? await getWorkspaceRole(sql, { userId: session.user.id, workspaceId: invite.workspaceId }) : null
  const clerk = webEnv().AUTH_MODE === 'clerk'
  const here = `/invite/${token}`

  return (
    <div className="center-wrap">
      <div className="card auth-card" data-testid="invite-page">
        <div className="logo" style={{ marginBottom: 24 }}>
          <span className="logo-mark" /> Montage
        </div>
        <h1>You are invited</h1>
        <p className="sub">
          {invite.createdBy ? `${invite.createdBy.name} invites you` : 'You are invited'} to join as <strong style={{ color: 'var(--text)' }}>{invite.role}</strong>: {ROLE_WHAT[invite.role]}.
        </p>
        <div className="invite-hero">
          <span className="ws-mark">{initials(workspaceName)}</span>
          <div>
            <div className="ws-name" data-testid="invite-workspace">{workspaceName}</div>
            <div className="ws-sub">Link valid until {new Date(invite.expiresAt).toLocaleDateString('en', { month: 'short', day: 'numeric', year: 'numeric' })}</div>
          </div>
        </div>
        {session ? (
          memberRole ? (
            <div className="form-stack" data-testid="invite-already-member">
              <div className="callout">
                <strong>You are already a member</strong>
                You are in {workspaceName} as {memberRole}; this link would not change that.
              </div>
              <Link href="/" className="btn btn-primary">Open your workspaces</Link>
            </div>
          ) : (
            <>
              <div className="user-row" style={{ cursor: 'default', marginBottom: 16 }}>
                <span className="avatar" style={{ background: colorFor(session.user.id) }}>{initials(session.user.name)}</span>
                <span style={{ flex: 1 }}>Signed in as {session.user.name}</span>
              </div>
              <AcceptInvite token={token} workspaceName={workspaceName} />
            </>
          )
        ) : clerk ? (
          <Link href={`/sign-in?next=${encodeURIComponent(here)}`} className="btn btn-primary" style={{ width: '100%' }}>Sign in to accept</Link>
        ) : (
          <>
            <SignUpForm inviteToken={token} inviteEmail={invite.email} submitLabel={`Create account and join`} />
            <p className="card-foot">
              Already have an account? <Link href={`/sign-in?next=${encodeURIComponent(here)}`} data-testid="invite-sign-in">Sign in to accept</Link>
            </p>
          </>
        )}
      </div>
    </div>
  )
}
