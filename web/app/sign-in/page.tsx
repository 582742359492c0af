import { redirect } from 'next/navigation'
import { SignIn } from '@clerk/nextjs'
import { listUsers } from '@montage/db'
import { LocalSignIn } from '@/components/LocalSignIn'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { optionalSession } from '@/lib/server/session'

export default async function SignInPage() {
  if (webEnv().AUTH_MODE === 'clerk') {
    return (
      <div className="center-wrap">
        <SignIn routing="hash" forceRedirectUrl="/" />
      </div>
    )
  }
  if (await optionalSession()) redirect('/')
  const users = (await listUsers(db())).map((u) => ({ id: u.id, name: u.name }))
  return (
    <div className="center-wrap">
      <LocalSignIn users={users} />
    </div>
  )
}
