'use client'

import { useRouter } from 'next/navigation'

export function SignOutButton({ clerk }: { clerk: boolean }) {
  const router = useRouter()
  async function signOut() {
    await fetch('/api/auth/sign-out', { method: 'POST' })
    if (clerk) {
      // Clerk owns its cookie; its client clears it.
      const w = window as unknown as { Clerk?: { signOut(): Promise<void> } }
      await w.Clerk?.signOut()
    }
    router.replace('/sign-in')
    router.refresh()
  }
  return (
    <button className="btn btn-ghost" onClick={() => void signOut()} data-testid="sign-out">
      Sign out
    </button>
  )
}
