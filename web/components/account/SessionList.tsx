'use client'

import { useState } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'

export interface TSessionRow {
  id: string
  device: string
  kind: 'password' | 'demo'
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  current: boolean
}

function when(iso: string): string {
  return new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** The browsers signed in as you; any of them can be signed out from here (this one included). */
export function SessionList({ sessions }: { sessions: TSessionRow[] }) {
  const router = useRouter()
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function revoke(s: TSessionRow) {
    setBusy(s.id)
    setError(null)
    try {
      await requestJson(`/api/auth/sessions/${s.id}`, { method: 'DELETE' })
      if (s.current) router.replace('/sign-in')
      router.refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <>
      <div className="rows" data-testid="session-list">
        {sessions.length === 0 && <div className="row-empty">No other sessions.</div>}
        {sessions.map((s) => (
          <div className="row" key={s.id} data-testid="session-row" data-current={s.current}>
            <div className="row-main">
              <div className="row-title">
                {s.device}
                {s.current && <span className="pill pill-ok" style={{ marginLeft: 8 }}>This browser</span>}
                {s.kind === 'demo' && <span className="pill" style={{ marginLeft: 8 }}>Demo</span>}
              </div>
              <div className="row-sub">Signed in {when(s.createdAt)} · last active {when(s.lastSeenAt)} · ends {when(s.expiresAt)}</div>
            </div>
            <button className="btn btn-danger-ghost" disabled={busy !== null} onClick={() => void revoke(s)} data-testid="session-revoke">
              {busy === s.id ? 'Signing out…' : s.current ? 'Sign out' : 'Revoke'}
            </button>
          </div>
        ))}
      </div>
      {error && <p className="error-text" role="alert" style={{ margin: '12px 16px' }}>{error}</p>}
    </>
  )
}
