'use client'

import { useCallback, useEffect, useState } from 'react'
import type { TReviewLink } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { useReview } from './ReviewContext'
import { ApiRefusal, requestJson } from '@/lib/client/request-json'

const EXPIRY: [number, string][] = [
  [24, '1 day'],
  [72, '3 days'],
  [168, '1 week'],
  [720, '30 days'],
]

function describeExpiry(link: TReviewLink): string {
  if (link.revokedAt) return 'Revoked'
  const ms = new Date(link.expiresAt).getTime() - Date.now()
  if (ms <= 0) return 'Expired'
  const hours = Math.round(ms / 3_600_000)
  return hours < 48 ? `Expires in ${Math.max(1, hours)} h` : `Expires in ${Math.round(hours / 24)} days`
}

/** "Share for review": tokenized links to the board or one shot, with expiry, passphrase and revocation. */
export function ShareReviewButton() {
  const [open, setOpen] = useState(false)
  return (
    <span className="m-share">
      <button type="button" className="m-btn m-btn-sm m-btn-ghost" data-testid="share-review" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Share for review
      </button>
      {open && <ShareDialog onClose={() => setOpen(false)} />}
    </span>
  )
}

function ShareDialog({ onClose }: { onClose: () => void }) {
  const { boardId } = useBoard()
  const { editor } = useReview()
  const shots = editor
    ? editor.getCurrentPageShapes().filter((s) => s.type === 'shot').map((s) => ({ id: s.id as string, title: (s.props as { title?: string }).title || 'Untitled shot' }))
    : []
  const selectedShot = editor?.getSelectedShapes().find((s) => s.type === 'shot')?.id as string | undefined
  const [scope, setScope] = useState<'board' | 'shot'>(selectedShot ? 'shot' : 'board')
  const [shotId, setShotId] = useState<string>(selectedShot ?? shots[0]?.id ?? '')
  const [hours, setHours] = useState(168)
  const [passphrase, setPassphrase] = useState('')
  const [allowDownloads, setAllowDownloads] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<string | null>(null)
  const [confirmingRevoke, setConfirmingRevoke] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const [links, setLinks] = useState<TReviewLink[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const base = `/api/boards/${encodeURIComponent(boardId)}/review-links`

  const load = useCallback(async () => {
    try {
      const { links } = await requestJson<{ links: TReviewLink[] }>(base)
      setLinks(links)
      setListError(null)
    } catch (e) {
      setListError(e instanceof Error ? e.message : String(e))
    }
  }, [base])

  useEffect(() => {
    void load()
  }, [load])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  async function create() {
    setBusy(true)
    setError(null)
    setCopied(false)
    try {
      const { link } = await requestJson<{ link: TReviewLink }>(base, {
        body: { scope, ...(scope === 'shot' ? { shotId } : {}), expiresInHours: hours, allowDownloads, ...(passphrase ? { passphrase } : {}) },
      })
      setCreated(link.url ? new URL(link.url, window.location.origin).toString() : null)
      setPassphrase('')
      await load()
    } catch (e) {
      setError(e instanceof ApiRefusal && e.field ? `${e.message} (${e.field})` : e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  async function revoke(id: string) {
    setConfirmingRevoke(null)
    try {
      await requestJson(`/api/review-links/${encodeURIComponent(id)}`, { method: 'DELETE' })
      await load()
    } catch (e) {
      setListError(e instanceof Error ? e.message : String(e))
    }
  }

  const shotTitle = (id: string | null) => shots.find((s) => s.id === id)?.title ?? 'A shot'

  return (
    <div className="m-share-panel" role="dialog" aria-label="Share for review" data-testid="share-dialog">
      <div className="m-share-head">
        <strong>Share for review</strong>
        <button type="button" className="m-chip-x" aria-label="Close" onClick={onClose}>×</button>
      </div>
      <p className="m-hint">Guests see the shots and their variations, play them and comment under a name they give. They cannot change the board or approve.</p>
      <div className="m-share-form">
        <div className="m-field">
          <span className="m-field-label">Scope</span>
          <span className="m-segmented">
            <button type="button" aria-pressed={scope === 'board'} data-testid="share-scope-board" onClick={() => setScope('board')}>Whole board</button>
            <button type="button" aria-pressed={scope === 'shot'} data-testid="share-scope-shot" disabled={shots.length === 0} onClick={() => setScope('shot')}>One shot</button>
          </span>
        </div>
        {scope === 'shot' && (
          <label className="m-field">
            <span className="m-field-label">Shot</span>
            <select className="m-select" value={shotId} data-testid="share-shot" onChange={(e) => setShotId(e.target.value)}>
              {shots.map((s) => (
                <option key={s.id} value={s.id}>{s.title}</option>
              ))}
            </select>
          </label>
        )}
        <div className="m-row">
          <label className="m-field">
            <span className="m-field-label">Expires after</span>
            <select className="m-select" value={hours} data-testid="share-expiry" onChange={(e) => setHours(Number(e.target.value))}>
              {EXPIRY.map(([h, label]) => (
                <option key={h} value={h}>{label}</option>
              ))}
            </select>
          </label>
          <label className="m-field">
            <span className="m-field-label">Passphrase (optional)</span>
            <input className="m-select" type="text" autoComplete="off" placeholder="6+ characters" value={passphrase} data-testid="share-passphrase" onChange={(e) => setPassphrase(e.target.value)} />
          </label>
        </div>
        <label className="m-field m-field-inline">
          <input type="checkbox" checked={allowDownloads} data-testid="share-allow-downloads" onChange={(e) => setAllowDownloads(e.target.checked)} />
          <span>Guests may download the files (with their Content Credentials)</span>
        </label>
        {error && <p className="m-inline-error" role="alert" data-testid="share-error">{error}</p>}
        <button type="button" className="m-btn m-btn-primary" data-testid="share-create" disabled={busy || (scope === 'shot' && !shotId)} onClick={() => void create()}>
          {busy ? 'Creating…' : 'Create link'}
        </button>
        {created && (
          <div className="m-share-created">
            <input className="m-select" readOnly value={created} data-testid="share-url" onFocus={(e) => e.currentTarget.select()} />
            <button
              type="button"
              className="m-btn m-btn-sm"
              data-testid="share-copy"
              onClick={() => {
                void navigator.clipboard?.writeText(created).then(() => setCopied(true), () => setCopied(false))
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        )}
        {created && <p className="m-hint">Copy it now: the link is stored only as a hash and cannot be shown again.</p>}
      </div>
      <div className="m-share-list">
        <span className="m-field-label">Links</span>
        {listError && <p className="m-inline-error" role="alert">{listError}</p>}
        {!links && !listError && <p className="m-hint"><span className="m-spinner" /> Loading…</p>}
        {links?.length === 0 && <p className="m-hint">No review links yet.</p>}
        <ul>
          {links?.map((l) => (
            <li key={l.id} data-testid="share-link" data-revoked={l.revokedAt ? 'true' : 'false'}>
              <span>{l.scope === 'board' ? 'Whole board' : shotTitle(l.shotId)}{l.hasPassphrase ? ' · passphrase' : ''}{l.allowDownloads ? ' · downloads' : ''}</span>
              <span className="m-hint">{describeExpiry(l)}</span>
              {!l.revokedAt && new Date(l.expiresAt).getTime() > Date.now() ? (
                confirmingRevoke === l.id ? (
                  <span className="m-share-confirm" role="group" aria-label="Confirm revoking this link">
                    <span className="m-hint">Guests lose access now.</span>
                    <button type="button" className="m-link m-link-danger" data-testid="share-revoke-confirm" autoFocus onClick={() => void revoke(l.id)}>Revoke</button>
                    <button type="button" className="m-link" onClick={() => setConfirmingRevoke(null)}>Keep</button>
                  </span>
                ) : (
                  <button type="button" className="m-link" data-testid="share-revoke" onClick={() => setConfirmingRevoke(l.id)}>Revoke…</button>
                )
              ) : (
                <span />
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  )
}
