'use client'

import { useCallback, useEffect, useMemo, useState } from 'react'
import { modelLabel, type TReviewScopeView } from '@montage/core'
import { playbackSha256 } from '@/lib/client/playback-sha256'
import { ApiRefusal, requestJson } from '@/lib/client/request-json'
import { guestReviewApi } from './review-client'
import { ReviewStateBadge, type TReviewState } from './ReviewStateBadge'
import { Viewer } from './Viewer'
import { VersionTag } from './VersionTag'
import { versionText } from './shot-versions'
import type { TViewerVariation } from './viewer-variation'
import './review.css'

interface TLinkInfo {
  board: { name: string }
  scope: 'board' | 'shot'
  hasPassphrase: boolean
  expiresAt: string
}

type TState =
  | { kind: 'loading' }
  | { kind: 'gone'; message: string }
  | { kind: 'missing' }
  | { kind: 'error'; message: string }
  | { kind: 'sign-in'; info: TLinkInfo }
  | { kind: 'ready'; view: TReviewScopeView }

function Expired({ message }: { message: string }) {
  return (
    <div className="center-wrap">
      <div className="status-page" data-testid="review-link-expired">
        <div className="code">410 · Gone</div>
        <h1>This review link has expired</h1>
        <p>{message}</p>
      </div>
    </div>
  )
}

/** The guest page of a review link: name (and passphrase) first, then the shots in scope and the viewer. */
export function GuestReview({ token }: { token: string }) {
  // The canvas's control styles are not loaded here (importing canvas.css on this route would
  // reorder it against tldraw's css on the board), so review.css scopes a copy to this root.
  return (
    <div className="m-guest-root">
      <GuestReviewBody token={token} />
    </div>
  )
}

function GuestReviewBody({ token }: { token: string }) {
  const [state, setState] = useState<TState>({ kind: 'loading' })
  const [open, setOpen] = useState<TViewerVariation | null>(null)
  const allowDownloads = state.kind === 'ready' && state.view.allowDownloads
  const api = useMemo(() => guestReviewApi(token, { allowDownloads }), [token, allowDownloads])
  const base = `/api/r/${encodeURIComponent(token)}`

  const load = useCallback(async () => {
    try {
      const view = await requestJson<TReviewScopeView>(base)
      setState({ kind: 'ready', view })
      return
    } catch (e) {
      if (e instanceof ApiRefusal && e.status === 410) return setState({ kind: 'gone', message: e.message })
      if (e instanceof ApiRefusal && e.status === 404) return setState({ kind: 'missing' })
      if (!(e instanceof ApiRefusal && e.status === 401)) return setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
    }
    try {
      setState({ kind: 'sign-in', info: await requestJson<TLinkInfo>(`${base}/info`) })
    } catch (e) {
      if (e instanceof ApiRefusal && e.status === 410) setState({ kind: 'gone', message: e.message })
      else if (e instanceof ApiRefusal && e.status === 404) setState({ kind: 'missing' })
      else setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
    }
  }, [base])

  useEffect(() => {
    void load()
  }, [load])

  if (state.kind === 'loading') {
    return (
      <div className="center-wrap">
        <span className="m-spinner m-spinner-lg" />
      </div>
    )
  }
  if (state.kind === 'gone') return <Expired message={state.message} />
  if (state.kind === 'missing') {
    return (
      <div className="center-wrap">
        <div className="status-page" data-testid="review-link-missing">
          <div className="code">404</div>
          <h1>This review link does not exist</h1>
          <p>Check that you copied the whole link, or ask whoever sent it for a new one.</p>
        </div>
      </div>
    )
  }
  if (state.kind === 'error') {
    return (
      <div className="center-wrap">
        <div className="status-page" role="alert">
          <h1>Something went wrong</h1>
          <p>{state.message}</p>
          <button className="btn" onClick={() => void load()}>Try again</button>
        </div>
      </div>
    )
  }
  if (state.kind === 'sign-in') return <GuestSignIn base={base} info={state.info} onDone={() => void load()} onGone={(message) => setState({ kind: 'gone', message })} />

  const { view } = state
  return (
    <div className="m-guest" data-testid="guest-review">
      <header className="m-guest-head">
        <span className="logo"><span className="logo-mark" /> Montage</span>
        <span className="m-topbar-sep">/</span>
        <span className="m-board-name">{view.board.name}</span>
        <span className="pill">Review</span>
        <span className="m-review-head-spacer" />
        {view.guestName && <span className="m-hint">Commenting as {view.guestName}</span>}
      </header>
      <main className="m-guest-body">
        {view.shots.length === 0 && <p className="m-hint">Nothing to review here yet.</p>}
        {view.shots.map((shot) => (
          <section key={shot.id} className="m-guest-shot" data-testid="guest-shot" data-shot-id={shot.id}>
            <h2>{shot.title || 'Untitled shot'}</h2>
            {shot.prompt && <p>{shot.prompt}</p>}
            <div className="m-guest-grid">
              {shot.variations.length === 0 && <span className="m-hint">No variations yet.</span>}
              {shot.variations.map((v) => {
                const playable = v.status === 'succeeded' && !!v.assetSha256
                const item: TViewerVariation = {
                  id: v.id,
                  assetSha256: v.assetSha256,
                  proxySha256: v.proxySha256,
                  posterSha256: v.posterSha256,
                  durationSeconds: v.durationSeconds,
                  reviewState: v.reviewState as TReviewState,
                  label: `${shot.title || 'Shot'} · ${modelLabel(v.model)}`,
                  version: v.version,
                }
                return (
                  <button key={v.id} type="button" className="m-guest-card" data-testid="guest-variation" data-variation-id={v.id} disabled={!playable} onClick={() => setOpen(item)}>
                    <span className="m-guest-thumb">
                      {/* A frame from inside the clip: posters are often the black first frame of a fade-in. */}
                      {playable ? <video src={`${api.assetSrc(playbackSha256(v))}#t=1`} muted playsInline preload="metadata" /> : v.status}
                    </span>
                    <span className="m-guest-card-foot">
                      <VersionTag n={v.version} testId="guest-version" />
                      <span style={{ flex: 1 }}>{modelLabel(v.model)}</span>
                      {v.parentVersion > 0 && <span className="m-edit-of" data-testid="guest-edit-of">Edit of {versionText(v.parentVersion)}</span>}
                      <ReviewStateBadge state={v.reviewState as TReviewState} compact />
                      {v.durationSeconds ? <span>{Math.round(v.durationSeconds * 10) / 10} s</span> : null}
                    </span>
                  </button>
                )
              })}
            </div>
          </section>
        ))}
      </main>
      {open && <Viewer variation={open} api={api} canDecide={false} onClose={() => setOpen(null)} />}
    </div>
  )
}

function GuestSignIn({ base, info, onDone, onGone }: { base: string; info: TLinkInfo; onDone: () => void; onGone: (message: string) => void }) {
  const [name, setName] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ message: string; field?: string } | null>(null)

  return (
    <div className="center-wrap">
      <form
        className="m-guest-form"
        data-testid="guest-sign-in"
        onSubmit={async (e) => {
          e.preventDefault()
          setBusy(true)
          setError(null)
          try {
            await requestJson(`${base}/session`, { body: { name, ...(info.hasPassphrase ? { passphrase } : {}) } })
            onDone()
          } catch (err) {
            if (err instanceof ApiRefusal && err.status === 410) onGone(err.message)
            else setError({ message: err instanceof Error ? err.message : String(err), field: err instanceof ApiRefusal ? (err.field ?? undefined) : undefined })
          } finally {
            setBusy(false)
          }
        }}
      >
        <h1 style={{ fontSize: 18 }}>Review “{info.board.name}”</h1>
        <p className="m-hint" style={{ margin: 0 }}>You have been invited to review {info.scope === 'board' ? 'this board' : 'a shot'}. Your name is shown next to your comments.</p>
        <label className="m-field">
          <span className="m-field-label">Your name</span>
          <input className="m-select" data-testid="guest-name" autoFocus required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {info.hasPassphrase && (
          <label className="m-field">
            <span className="m-field-label">Passphrase</span>
            <input className="m-select" type="password" data-testid="guest-passphrase" required value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
        )}
        {error && <p className="m-inline-error" role="alert" data-testid="guest-error">{error.message}</p>}
        <button type="submit" className="m-btn m-btn-primary" data-testid="guest-continue" disabled={busy || !name.trim()}>
          {busy ? 'Opening…' : 'Continue'}
        </button>
      </form>
    </div>
  )
}
