'use client'

import { useState } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'

/** The signed-in person's "Join" button on an invite page. */
export function AcceptInvite({ token, workspaceName }: { token: string; workspaceName: string }) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function accept() {
    setBusy(true)
    setError(null)
    try {
      await requestJson('/api/invites/accept', { body: { token } })
      router.replace('/')
      router.refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      setBusy(false)
    }
  }

  return (
    <div className="form-stack">
      <button className="btn btn-primary" onClick={() => void accept()} disabled={busy} data-testid="accept-invite">
        {busy ? 'Joining…' : `Join ${workspaceName}`}
      </button>
      {error && <p className="error-text" role="alert" style={{ margin: 0 }} data-testid="accept-invite-error">{error}</p>}
    </div>
  )
}
