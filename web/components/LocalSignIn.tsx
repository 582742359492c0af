'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { colorFor, initials } from '@/lib/client/avatar'

interface Props {
  users: { id: string; name: string }[]
}

/** Local mode: pick an existing person or create one. No passwords: this mode is for one machine. */
export function LocalSignIn({ users }: Props) {
  const router = useRouter()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function signIn(body: { userId: string } | { name: string }, key: string) {
    setBusy(key)
    setError(null)
    try {
      const res = await fetch('/api/auth/local/sign-in', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      if (!res.ok) {
        const data = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
        throw new Error(data?.error?.message ?? `Sign-in failed (${res.status})`)
      }
      router.replace('/')
      router.refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      setBusy(null)
    }
  }

  function onCreate(e: FormEvent) {
    e.preventDefault()
    if (name.trim()) void signIn({ name: name.trim() }, 'new')
  }

  return (
    <div className="card" data-testid="sign-in">
      <div className="logo" style={{ marginBottom: 24 }}>
        <span className="logo-mark" /> Montage
      </div>
      <h1>Sign in</h1>
      <p className="sub">Local mode: choose who you are on this machine.</p>

      {users.length > 0 ? (
        <div className="user-list">
          {users.map((u) => (
            <button key={u.id} className="user-row" disabled={busy !== null} onClick={() => void signIn({ userId: u.id }, u.id)} data-testid="sign-in-user">
              <span className="avatar" style={{ background: colorFor(u.id) }}>{initials(u.name)}</span>
              <span style={{ flex: 1 }}>{u.name}</span>
              <span className="muted" style={{ fontSize: 12 }}>{busy === u.id ? 'Signing in…' : 'Continue →'}</span>
            </button>
          ))}
        </div>
      ) : (
        <div className="empty" style={{ padding: 16 }}>
          <strong>No one here yet</strong>
          Create the first person below.
        </div>
      )}

      <div className="divider">or create someone new</div>
      <form onSubmit={onCreate} style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        <div>
          <label className="label" htmlFor="new-name">Name</label>
          <input id="new-name" className="input" value={name} maxLength={80} placeholder="e.g. Ada Lovelace" onChange={(e) => setName(e.target.value)} data-testid="sign-in-name" />
        </div>
        <button className="btn btn-primary" type="submit" disabled={busy !== null || !name.trim()} data-testid="sign-in-create">
          {busy === 'new' ? 'Creating…' : 'Create and sign in'}
        </button>
        <p className="muted" style={{ fontSize: 12, margin: 0 }}>A new person gets their own workspace with 500 credits.</p>
      </form>
      {error && <p className="error-text" role="alert" style={{ marginTop: 16 }}>{error}</p>}
    </div>
  )
}
