'use client'

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { WEBHOOK_EVENT_TYPES, type TWebhookDelivery, type TWebhookEndpoint, type TWebhookEventType } from '@montage/core'
import { requestJson } from '@/lib/client/request-json'
import { ShownOnceBox } from '../ShownOnceBox'

const EVENT_LABEL: Record<TWebhookEventType, string> = {
  'generation.succeeded': 'Generation succeeded',
  'generation.failed': 'Generation failed',
  'comment.created': 'Comment created',
  'decision.recorded': 'Decision recorded',
  'sequence.rendered': 'Sequence rendered',
}

const STATUS_PILL: Record<TWebhookDelivery['status'], string> = { delivered: 'pill pill-ok', pending: 'pill pill-warn', failed: 'pill pill-danger', skipped: 'pill pill-muted' }

function when(iso: string): string {
  return new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

/** One endpoint's deliveries, newest first, each with its attempts; refreshed while any is still pending. */
function Deliveries({ workspaceId, endpointId }: { workspaceId: string; endpointId: string }) {
  const [deliveries, setDeliveries] = useState<TWebhookDelivery[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [replaying, setReplaying] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      const res = await requestJson<{ deliveries: TWebhookDelivery[] }>(`/api/workspaces/${workspaceId}/webhooks/${endpointId}/deliveries`, { cache: 'no-store' })
      setDeliveries(res.deliveries)
      setError(null)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }, [workspaceId, endpointId])

  useEffect(() => {
    void load()
  }, [load])
  const pending = deliveries?.some((d) => d.status === 'pending') ?? false
  useEffect(() => {
    if (!pending) return
    const t = setInterval(() => void load(), 2000)
    return () => clearInterval(t)
  }, [pending, load])

  async function replay(id: string) {
    setReplaying(id)
    setError(null)
    try {
      await requestJson(`/api/workspaces/${workspaceId}/webhooks/deliveries/${id}/replay`, { method: 'POST' })
      await load()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setReplaying(null)
    }
  }

  return (
    <div className="deliveries" data-testid="webhook-deliveries">
      {error && <p className="error-text" role="alert" style={{ margin: '4px 0' }}>{error}</p>}
      {deliveries === null && !error && <div className="row-empty">Loading deliveries…</div>}
      {deliveries?.length === 0 && <div className="row-empty">No deliveries yet. Events of the kinds this endpoint listens to will show up here.</div>}
      {deliveries?.map((d) => (
        <div className="delivery" key={d.id} data-testid="webhook-delivery" data-status={d.status}>
          <div>
            <div style={{ color: 'var(--text)' }}>{EVENT_LABEL[d.eventType]}</div>
            <div className="muted">{when(d.createdAt)}{d.replayOf ? ' · replay' : ''}</div>
          </div>
          <div><span className={STATUS_PILL[d.status]} data-testid="webhook-delivery-status">{d.status}</span></div>
          <div className="attempts">
            {d.attempts.length === 0 && <span className="muted">{d.status === 'skipped' ? 'Not sent: the endpoint was paused.' : 'No attempt yet.'}</span>}
            {d.attempts.map((a) => (
              <div className="attempt" key={a.attempt} data-testid="webhook-attempt">
                <span>#{a.attempt}</span>
                <span className={a.statusCode !== null && a.statusCode < 300 ? 'pill pill-ok' : 'pill pill-danger'} style={{ height: 18 }}>{a.statusCode ?? 'error'}</span>
                <span className="muted">{a.durationMs} ms</span>
                <code title={a.error ?? a.responseBody ?? ''}>{a.error ?? a.responseBody ?? ''}</code>
              </div>
            ))}
          </div>
          <button className="btn btn-ghost" disabled={replaying !== null} onClick={() => void replay(d.id)} data-testid="webhook-replay">
            {replaying === d.id ? 'Replaying…' : 'Replay'}
          </button>
        </div>
      ))}
    </div>
  )
}

/**
 * Webhooks: subscribe a URL to the workspace's events, copy its signing secret once, pause,
 * resume or delete it, and open its deliveries (with every attempt's answer) to replay one.
 * Keys: `n` focuses the URL field, Escape closes the open deliveries.
 */
export function WebhooksSection({ workspaceId, endpoints }: { workspaceId: string; endpoints: TWebhookEndpoint[] }) {
  const router = useRouter()
  const urlRef = useRef<HTMLInputElement>(null)
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [events, setEvents] = useState<TWebhookEventType[]>([...WEBHOOK_EVENT_TYPES])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  /** The new endpoint's signing secret, shown once. */
  const [created, setCreated] = useState<string | null>(null)
  const [acting, setActing] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const typing = e.target instanceof HTMLElement && e.target.closest('input, textarea, select')
      if (e.key === 'Escape') setOpen(null)
      else if (e.key === 'n' && !typing && !e.metaKey && !e.ctrlKey && !e.altKey) {
        e.preventDefault()
        urlRef.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  async function onCreate(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const res = await requestJson<{ secret: string }>(`/api/workspaces/${workspaceId}/webhooks`, { body: { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) } })
      setCreated(res.secret)
      setUrl('')
      setDescription('')
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  async function act(id: string, request: () => Promise<unknown>) {
    setActing(id)
    setError(null)
    try {
      await request()
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setActing(null)
    }
  }


  const toggle = (t: TWebhookEventType) => setEvents((cur) => (cur.includes(t) ? cur.filter((x) => x !== t) : WEBHOOK_EVENT_TYPES.filter((x) => x === t || cur.includes(x))))

  return (
    <section className="panel section" data-testid="webhooks-section">
      <div className="panel-head">
        <div>
          <h2>Webhooks</h2>
          <div className="muted" style={{ fontSize: 12, marginTop: 2 }}>Montage POSTs each event as signed JSON to your URL and retries with backoff until it answers 2xx.</div>
        </div>
        <span className="pill">{endpoints.length}</span>
      </div>
      <form className="panel-body webhook-form" onSubmit={onCreate}>
        <div>
          <label className="label" htmlFor="webhook-url">Endpoint URL</label>
          <input id="webhook-url" ref={urlRef} className="input" type="url" required placeholder="https://hooks.example.com/montage" value={url} maxLength={2000} onChange={(e) => setUrl(e.target.value)} data-testid="webhook-url" />
        </div>
        <div>
          <label className="label" htmlFor="webhook-description">Description</label>
          <input id="webhook-description" className="input" placeholder="What listens there (optional)" value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} data-testid="webhook-description" />
        </div>
        <div className="span-all">
          <span className="label">Events</span>
          <div className="event-picks">
            {WEBHOOK_EVENT_TYPES.map((t) => (
              <label key={t} className="event-pick">
                <input type="checkbox" checked={events.includes(t)} onChange={() => toggle(t)} data-testid={`webhook-event-${t}`} />
                {EVENT_LABEL[t]}
              </label>
            ))}
          </div>
        </div>
        <div className="span-all inline-form" style={{ justifyContent: 'space-between' }}>
          <span className="hint" style={{ margin: 0 }}>Press <kbd>n</kbd> to add an endpoint, <kbd>Esc</kbd> to close deliveries.</span>
          <button className="btn btn-primary" type="submit" disabled={busy || events.length === 0} data-testid="webhook-create">{busy ? 'Adding…' : 'Add endpoint'}</button>
        </div>
        {created && <ShownOnceBox value={created} testId="webhook-secret" />}
        {created && <p className="span-all hint" style={{ margin: 0 }}>Copy the signing secret now: it is shown only once. Verify each delivery with it (see the README).</p>}
        {error && <p className="span-all error-text" role="alert" style={{ margin: 0 }}>{error}</p>}
      </form>
      <div className="rows" style={{ borderTop: '1px solid var(--border)' }} data-testid="webhook-list">
        {endpoints.length === 0 && <div className="row-empty">No endpoints yet. Add a URL above to hear about generations, comments, decisions and renders.</div>}
        {endpoints.map((ep) => (
          <div key={ep.id} data-testid="webhook-endpoint" data-paused={ep.paused ? '1' : '0'}>
            <div className="row">
              <button className="btn btn-ghost" aria-expanded={open === ep.id} aria-label="Show deliveries" onClick={() => setOpen(open === ep.id ? null : ep.id)} data-testid="webhook-expand">
                {open === ep.id ? '▾' : '▸'}
              </button>
              <div className="row-main">
                <div className="row-title endpoint-url" title={ep.url}>{ep.url}</div>
                <div className="row-sub">
                  {ep.description ? `${ep.description} · ` : ''}
                  {ep.events.map((t) => EVENT_LABEL[t]).join(', ')}
                </div>
              </div>
              <span className={ep.paused ? 'pill pill-muted' : 'pill pill-ok'}>{ep.paused ? 'paused' : 'active'}</span>
              <button className="btn" disabled={acting !== null} onClick={() => void act(ep.id, () => requestJson(`/api/workspaces/${workspaceId}/webhooks/${ep.id}`, { method: 'PATCH', body: { paused: !ep.paused } }))} data-testid="webhook-pause">
                {ep.paused ? 'Resume' : 'Pause'}
              </button>
              <button className="btn btn-danger-ghost" disabled={acting !== null} onClick={() => void act(ep.id, () => requestJson(`/api/workspaces/${workspaceId}/webhooks/${ep.id}`, { method: 'DELETE' }))} data-testid="webhook-delete">
                Delete
              </button>
            </div>
            {open === ep.id && <Deliveries workspaceId={workspaceId} endpointId={ep.id} />}
          </div>
        ))}
      </div>
    </section>
  )
}
