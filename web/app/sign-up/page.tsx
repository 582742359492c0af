import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { hasPasswordAccounts } from '@montage/db'
import { SignUpForm } from '@/components/auth/SignUpForm'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { optionalSession } from '@/lib/server/session'

export const metadata: Metadata = { title: 'Create an account · Montage' }

/** A new install's first owner signs up here; everyone after them comes through an invite link. */
export default async function SignUpPage() {
  if (webEnv().AUTH_MODE === 'clerk') redirect('/sign-in')
  if (await optionalSession()) redirect('/')
  const firstRun = !(await hasPasswordAccounts(db()))
  return (
    <div className="center-wrap">
      <div className="card auth-card">
        <div className="logo" style={{ marginBottom: 24 }}>
          <span className="logo-mark" /> Montage
        </div>
        {firstRun ? (
          <>
            <h1>Set up Montage</h1>
            <p className="sub">This install has no accounts yet. The account you create now owns a new workspace, and invites everyone else.</p>
            <SignUpForm submitLabel="Create owner account" />
          </>
        ) : (
          <div data-testid="invite-only">
            <h1>Accounts are by invitation</h1>
            <p className="sub">To join a workspace, open the invite link its owner sent you. Ask them for one if you have none.</p>
          </div>
        )}
        <p className="card-foot">Already have an account? <Link href="/sign-in">Sign in</Link></p>
      </div>
    </div>
  )
}
