'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { colorFor, initials } from '@/lib/client/avatar'
import { requestJson } from '@/lib/client/request-json'

interface Props {
  /** The passwordless demo people (never anyone with a password). */
  people: { id: string; name: string }[]
  next: string
}

/** Demo mode only (MONTAGE_DEMO=1, this machine): be one of the demo people, or create one by name. */
export function DemoSignIn({ people, next }: Props) {
  const router = useRouter()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function signIn(body: { userId: string } | { name: string }, key: string) {
    setBusy(key)
    setError(null)
    try {
      await requestJson('/api/auth/local/sign-in', { body })
      router.replace(next)
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
    <div data-testid="sign-in">
      {people.length > 0 ? (
        <div className="user-list">
          {people.map((u) => (
            <button key={u.id} className="user-row" disabled={busy !== null} onClick={() => void signIn({ userId: u.id }, u.id)} data-testid="sign-in-user">
              <span className="avatar" style={{ background: colorFor(u.id) }}>{initials(u.name)}</span>
              <span style={{ flex: 1 }}>{u.name}</span>
              <span className="muted" style={{ fontSize: 12 }}>{busy === u.id ? 'Signing in…' : 'Continue →'}</span>
            </button>
          ))}
        </div>
      ) : (
        <div className="empty" style={{ padding: 16 }}>
          <strong>No demo people yet</strong>
          Create one below.
        </div>
      )}
      <form onSubmit={onCreate} className="inline-form" style={{ marginTop: 12 }}>
        <input id="new-name" aria-label="Name of a new demo person" className="input" style={{ width: 'auto', flex: 1 }} value={name} maxLength={80} placeholder="Or a new demo person's name" onChange={(e) => setName(e.target.value)} data-testid="sign-in-name" />
        <button className="btn" type="submit" disabled={busy !== null || !name.trim()} data-testid="sign-in-create">
          {busy === 'new' ? 'Creating…' : 'Create'}
        </button>
      </form>
      {error && <p className="error-text" role="alert" style={{ marginTop: 12 }}>{error}</p>}
    </div>
  )
}
