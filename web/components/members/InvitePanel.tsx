'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import type { TInvite, TRole } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'
import { ShownOnceBox } from '../ShownOnceBox'

const ROLES: { role: TRole; label: string; what: string }[] = [
  { role: 'reviewer', label: 'Reviewer', what: 'view boards and comment' },
  { role: 'editor', label: 'Editor', what: 'edit boards and generate' },
  { role: 'producer', label: 'Producer', what: 'edit, generate, approve work and share review links' },
  { role: 'owner', label: 'Owner', what: 'do everything, including managing members' },
]
const EXPIRIES = [
  { hours: 24, label: '1 day' },
  { hours: 24 * 7, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
]
const USES = [1, 5, 25]

const STATE_PILL: Record<TInvite['state'], string> = { active: 'pill pill-ok', used: 'pill pill-muted', expired: 'pill pill-muted', revoked: 'pill pill-danger' }

function when(iso: string): string {
  return new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** Owners: create invite links (role, expiry, uses, a note), copy the new one, and revoke any that is still open. */
export function InvitePanel({ workspaceId, invites }: { workspaceId: string; invites: TInvite[] }) {
  const router = useRouter()
  const [role, setRole] = useState<TRole>('editor')
  const [expiresInHours, setExpires] = useState(24 * 7)
  const [maxUses, setMaxUses] = useState(1)
  const [note, setNote] = useState('')
  const [email, setEmail] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<{ url: string; email: string | null } | null>(null)
  const [revoking, setRevoking] = useState<string | null>(null)

  async function onCreate(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const forEmail = email.trim() || null
      const res = await requestJson<{ url: string; invite: TInvite }>(`/api/workspaces/${workspaceId}/invites`, {
        body: { role, expiresInHours, maxUses: forEmail ? 1 : maxUses, ...(note.trim() ? { note: note.trim() } : {}), ...(forEmail ? { email: forEmail } : {}) },
      })
      // The address as stored (lower-cased), the one the invite admits.
      setCreated({ url: new URL(res.url, window.location.origin).toString(), email: res.invite.email })
      setNote('')
      setEmail('')
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
      await requestJson(`/api/invites/${id}`, { method: 'DELETE' })
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setRevoking(null)
    }
  }

  return (
    <section className="panel" data-testid="invite-panel">
      <div className="panel-head">
        <div>
          <h2>Invite by link or email address</h2>
          <div className="muted" style={{ fontSize: 12, marginTop: 2 }}>Whoever opens the link joins with its role, until it is used up, expires or is revoked. With an email address, only that person can use it.</div>
        </div>
      </div>
      <form className="panel-body invite-form" onSubmit={onCreate}>
        <div>
          <label className="label" htmlFor="invite-role">Role</label>
          <select id="invite-role" className="select" value={role} onChange={(e) => setRole(e.target.value as TRole)} data-testid="invite-role">
            {ROLES.map((r) => <option key={r.role} value={r.role}>{r.label}</option>)}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="invite-expiry">Expires after</label>
          <select id="invite-expiry" className="select" value={expiresInHours} onChange={(e) => setExpires(Number(e.target.value))} data-testid="invite-expiry">
            {EXPIRIES.map((x) => <option key={x.hours} value={x.hours}>{x.label}</option>)}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="invite-uses">Can be used</label>
          <select id="invite-uses" className="select" value={email.trim() ? 1 : maxUses} disabled={email.trim() !== ''} onChange={(e) => setMaxUses(Number(e.target.value))} data-testid="invite-uses">
            {USES.map((n) => <option key={n} value={n}>{n === 1 ? 'once' : `${n} times`}</option>)}
          </select>
        </div>
        <p className="span-all hint" style={{ margin: '-4px 0 0' }} data-testid="invite-role-what">
          {ROLES.find((r) => r.role === role)!.label}s {ROLES.find((r) => r.role === role)!.what}.
        </p>
        <div className="span-all">
          <input className="input" type="email" aria-label="Email address (optional: only this person can join)" placeholder="Email address (optional): only this person can use the link" value={email} maxLength={254} onChange={(e) => setEmail(e.target.value)} data-testid="invite-email" />
        </div>
        <div className="span-all inline-form">
          <input className="input" style={{ width: 'auto', flex: 1 }} aria-label="Note (who it is for)" placeholder="Note: who it is for (only owners see it)" value={note} maxLength={80} onChange={(e) => setNote(e.target.value)} data-testid="invite-note" />
          <button className="btn btn-primary" type="submit" disabled={busy} data-testid="invite-create">{busy ? 'Creating…' : 'Create link'}</button>
        </div>
        {created && <ShownOnceBox value={created.url} testId="invite-link" copyTestId="invite-copy" />}
        {created && (
          <p className="span-all hint" style={{ margin: 0 }}>
            Copy it now: for safety, the link is shown only once.
            {created.email && (
              <>
                {' '}Montage sends no email: <a href={`mailto:${encodeURIComponent(created.email)}?subject=${encodeURIComponent('Join us on Montage')}&body=${encodeURIComponent(created.url)}`} data-testid="invite-mailto">write to {created.email}</a> with it.
              </>
            )}
          </p>
        )}
        {error && <p className="span-all error-text" role="alert" style={{ margin: 0 }}>{error}</p>}
      </form>
      <div className="rows" style={{ borderTop: '1px solid var(--border)' }} data-testid="invite-list">
        {invites.length === 0 && <div className="row-empty">No invite links yet.</div>}
        {invites.map((i) => (
          <div className="row" key={i.id} data-testid="invite-row" data-state={i.state}>
            <div className="row-main">
              <div className="row-title">
                {i.note ?? (i.email ? null : <span className="muted">No note</span>)}
                {i.email && <span data-testid="invite-for">{i.note ? ' · ' : ''}for {i.email}</span>}
              </div>
              <div className="row-sub">
                Used {i.useCount} of {i.maxUses} · {i.state === 'expired' ? 'expired' : 'expires'} {when(i.expiresAt)}
                {i.createdBy ? ` · by ${i.createdBy.name}` : ''}
              </div>
            </div>
            <span className="pill" data-testid="invite-role">{i.role}</span>
            <span className={STATE_PILL[i.state]}>{i.state}</span>
            {i.state === 'active' ? (
              <button className="btn btn-danger-ghost" disabled={revoking !== null} onClick={() => void revoke(i.id)} data-testid="invite-revoke">
                {revoking === i.id ? 'Revoking…' : 'Revoke'}
              </button>
            ) : (
              <span style={{ width: 72 }} />
            )}
          </div>
        ))}
      </div>
    </section>
  )
}
