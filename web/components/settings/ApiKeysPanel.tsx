'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { API_KEY_SCOPES, type TApiKeyInfo, type TApiKeyScope } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'
import { ShownOnceBox } from '../ShownOnceBox'

const SCOPES: Record<TApiKeyScope, { label: string; what: string }> = {
  read: { label: 'Read', what: 'boards, shots, variations, generations, assets, comments and decisions' },
  generate: { label: 'Generate', what: 'create boards and shots, upload, start generations (spends credits)' },
  review: { label: 'Review', what: 'comment and, for a producer or owner, approve' },
  admin: { label: 'Admin', what: 'everything your role allows, including links, invites and keys' },
}

function when(iso: string): string {
  return new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** Owners and producers: create API keys (a name and scopes), copy the new one once, and revoke any. */
export function ApiKeysPanel({ workspaceId, apiKeys }: { workspaceId: string; apiKeys: TApiKeyInfo[] }) {
  const router = useRouter()
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<TApiKeyScope[]>(['read'])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  /** The new key's secret, shown once. */
  const [created, setCreated] = useState<string | null>(null)
  const [revoking, setRevoking] = useState<string | null>(null)

  function toggle(scope: TApiKeyScope) {
    setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]))
  }

  async function onCreate(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const res = await requestJson<{ secret: string }>(`/api/workspaces/${workspaceId}/api-keys`, { body: { name: name.trim(), scopes } })
      setCreated(res.secret)
      setName('')
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }


  async function revoke(id: string) {
    setRevoking(id)
    setError(null)
    try {
      await requestJson(`/api/api-keys/${id}`, { method: 'DELETE' })
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setRevoking(null)
    }
  }

  return (
    <section className="panel" data-testid="api-keys-panel">
      <div className="panel-head">
        <div>
          <h2>API keys</h2>
          <div className="muted" style={{ fontSize: 12, marginTop: 2 }}>A key acts as you in this workspace, limited to its scopes. Send it as <code>Authorization: Bearer …</code>.</div>
        </div>
        <span className="pill">{apiKeys.filter((k) => !k.revokedAt).length} active</span>
      </div>
      <form className="panel-body invite-form" onSubmit={onCreate}>
        <div className="span-all">
          <label className="label" htmlFor="api-key-name">Name</label>
          <input id="api-key-name" className="input" placeholder="What uses it: render farm script, CI…" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="api-key-name" />
        </div>
        <fieldset className="span-all" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="label">Scopes</legend>
          {API_KEY_SCOPES.map((s) => (
            <label key={s} className="row-sub" style={{ display: 'flex', gap: 8, alignItems: 'baseline', padding: '3px 0', cursor: 'pointer' }}>
              <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} data-testid={`api-key-scope-${s}`} />
              <span><strong style={{ color: 'var(--text)' }}>{SCOPES[s].label}</strong> · {SCOPES[s].what}</span>
            </label>
          ))}
        </fieldset>
        <div className="span-all inline-form" style={{ justifyContent: 'flex-end' }}>
          <button className="btn btn-primary" type="submit" disabled={busy || !name.trim() || scopes.length === 0} data-testid="api-key-create">{busy ? 'Creating…' : 'Create key'}</button>
        </div>
        {created && <ShownOnceBox value={created} testId="api-key-secret" copyTestId="api-key-copy" />}
        {created && <p className="span-all hint" style={{ margin: 0 }}>Copy it now: the key is shown only once. Montage keeps only its hash.</p>}
        {error && <p className="span-all error-text" role="alert" style={{ margin: 0 }}>{error}</p>}
      </form>
      <div className="rows" style={{ borderTop: '1px solid var(--border)' }} data-testid="api-key-list">
        {apiKeys.length === 0 && <div className="row-empty">No API keys yet.</div>}
        {apiKeys.map((k) => (
          <div className="row" key={k.id} data-testid="api-key-row" data-state={k.revokedAt ? 'revoked' : 'active'}>
            <div className="row-main">
              <div className="row-title">
                {k.name} <code className="muted" style={{ marginLeft: 6, fontSize: 12 }}>{k.prefix}…</code>
                {k.scopes.map((s) => <span key={s} className="pill" style={{ marginLeft: 6 }}>{s}</span>)}
              </div>
              <div className="row-sub">
                By {k.createdBy.name} · created {when(k.createdAt)} · {k.lastUsedAt ? `last used ${when(k.lastUsedAt)}` : 'never used'}
              </div>
            </div>
            {k.revokedAt ? (
              <span className="pill pill-danger">revoked</span>
            ) : (
              <button className="btn btn-danger-ghost" disabled={revoking !== null} onClick={() => void revoke(k.id)} data-testid="api-key-revoke">
                {revoking === k.id ? 'Revoking…' : 'Revoke'}
              </button>
            )}
          </div>
        ))}
      </div>
    </section>
  )
}
