import type { Metadata } from 'next'
import Link from 'next/link'
import { headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { SignIn } from '@clerk/nextjs'
import { hasPasswordAccounts, listPasswordlessUsers } from '@montage/db'
import { DemoSignIn } from '@/components/auth/DemoSignIn'
import { PasswordSignIn } from '@/components/auth/PasswordSignIn'
import { db } from '@/lib/server/context'
import { demoRefusal } from '@/lib/server/demo-mode'
import { webEnv } from '@/lib/server/env'
import { optionalSession } from '@/lib/server/session'
import { safeNextPath } from '@/lib/safe-next-path'

export const metadata: Metadata = { title: 'Sign in · Montage' }

type Props = { searchParams: Promise<{ next?: string | string[] }> }

export default async function SignInPage({ searchParams }: Props) {
  const next = safeNextPath((await searchParams).next)
  const env = webEnv()
  if (env.AUTH_MODE === 'clerk') {
    return (
      <div className="center-wrap">
        <SignIn routing="hash" forceRedirectUrl={next} />
      </div>
    )
  }
  if (await optionalSession()) redirect(next)
  const sql = db()
  const firstRun = !(await hasPasswordAccounts(sql))
  // Demo people are listed only in demo mode, and only to this machine; never anyone with a password.
  const refusal = env.MONTAGE_DEMO ? demoRefusal(await headers()) : null
  const demoPeople = env.MONTAGE_DEMO && !refusal ? (await listPasswordlessUsers(sql, { authSubjectPrefix: 'local:' })).map((u) => ({ id: u.id, name: u.name })) : null

  return (
    <div className="center-wrap">
      <div className="card auth-card">
        <div className="logo" style={{ marginBottom: 24 }}>
          <span className="logo-mark" /> Montage
        </div>
        <h1>Sign in</h1>
        <p className="sub">With the email and password of your Montage account.</p>
        {firstRun && (
          <div className="callout" style={{ marginBottom: 20 }} data-testid="first-run">
            <strong>This install has no accounts yet</strong>
            <Link href="/sign-up">Create the first account</Link>: it becomes the owner of a new workspace.
          </div>
        )}
        <PasswordSignIn next={next} />
        {!firstRun && <p className="card-foot">New here? Accounts are made from invite links: ask a workspace owner for one.</p>}
        {env.MONTAGE_DEMO && (
          <>
            <div className="divider">demo mode · this machine only</div>
            {demoPeople ? (
              <DemoSignIn people={demoPeople} next={next} />
            ) : (
              <div className="callout callout-warn" data-testid="demo-refused">
                <strong>Demo sign-in is off for this request</strong>
                {refusal}
              </div>
            )}
          </>
        )}
      </div>
    </div>
  )
}
