'use client'

import { useState } from 'react'
import { requestJson } from '@/lib/client/request-json'

type TEmail = 'off' | 'mentions' | 'all'

const CHOICES: { value: TEmail; label: string; hint: string }[] = [
  { value: 'all', label: 'All notifications', hint: 'Mentions, comments on your shots and threads, decisions on your variations' },
  { value: 'mentions', label: 'Mentions only', hint: 'When someone @mentions you' },
  { value: 'off', label: 'Off', hint: 'The bell only' },
]

/** Which notifications reach this person by email (when the install has an SMTP server). */
export function EmailPreferences({ initial, smtpConfigured }: { initial: TEmail; smtpConfigured: boolean }) {
  const [value, setValue] = useState<TEmail>(initial)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  async function choose(next: TEmail) {
    const before = value
    setValue(next)
    setBusy(true)
    setError(null)
    setSaved(false)
    try {
      const json = await requestJson<{ email: TEmail }>('/api/me/notifications', { method: 'PUT', body: { email: next } })
      setValue(json.email)
      setSaved(true)
    } catch (e) {
      setValue(before)
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div style={{ padding: '12px 16px', display: 'grid', gap: 8 }} role="radiogroup" aria-label="Email notifications" data-testid="email-preferences">
      {!smtpConfigured && <div className="muted" style={{ fontSize: 12 }}>This install sends no email yet (no SMTP server is configured); your choice is kept for when it does.</div>}
      {CHOICES.map((c) => (
        <label key={c.value} style={{ display: 'flex', gap: 10, alignItems: 'baseline', cursor: busy ? 'progress' : 'pointer' }}>
          <input type="radio" name="email-notifications" value={c.value} checked={value === c.value} disabled={busy} onChange={() => void choose(c.value)} data-testid={`email-${c.value}`} />
          <span>
            {c.label} <span className="muted" style={{ fontSize: 12 }}>· {c.hint}</span>
          </span>
        </label>
      ))}
      <div aria-live="polite" style={{ minHeight: 18, fontSize: 12 }}>
        {error ? <span role="alert" className="error-text">{error}</span> : saved ? <span className="muted">Saved.</span> : null}
      </div>
    </div>
  )
}
