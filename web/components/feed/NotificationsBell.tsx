'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import type { TLShape } from 'tldraw'
import { modelLabel, variationSubject, type TFeedItem, type TFeedResponse } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { useLibrary } from '@/components/library/LibraryContext'
import { useReview } from '@/components/review/ReviewContext'
import { requestJson } from '@/lib/client/request-json'
import { boardTargetPath } from '@/components/search/board-target'
import './feed.css'

const REFRESH_MS = 20_000

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000))
  if (s < 60) return 'just now'
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

function what(item: TFeedItem): string {
  switch (item.type) {
    case 'mention':
      return `mentioned you: “${item.excerpt}”`
    case 'comment':
      return `${item.reply ? 'replied in your thread' : 'commented on your shot'}: “${item.excerpt}”`
    case 'variation.succeeded':
      return `made a new ${modelLabel(item.model)} variation`
    case 'review.decision':
      return `${item.decision === 'approved' ? 'approved' : 'requested changes on'} ${variationSubject({ version: item.version ?? null, shotTitle: item.shotTitle ?? null })}`
    case 'approval.requested':
      return `asks for approval of a ${item.credits}-credit ${modelLabel(item.model)} job`
    case 'budget.warning':
      return `used ${item.spent} of the ${item.budget}-credit budget of ‘${item.boardName}’ (${Math.floor((item.spent / item.budget) * 100)}%)`
  }
}

const ICON: Record<TFeedItem['type'], string> = { mention: '@', comment: '“', 'variation.succeeded': '◆', 'review.decision': '✓', 'approval.requested': '?', 'budget.warning': '!' }

/** Tabs of this browser tell each other when the feed was read, so every bell clears at once. */
const READ_CHANNEL = 'montage-feed-read'

/** Where a notification opens the viewer: a comment's thread and time. */
function viewerTarget(item: TFeedItem): { threadId?: string; time?: number | null } | undefined {
  if (item.type === 'comment' || item.type === 'mention') return { threadId: item.threadId ?? item.commentId, time: item.timeSeconds ?? null }
  return undefined
}

/**
 * The top bar's bell: the workspace feed (mentions of me, new variations, approvals) with an unread
 * count. Refreshed when opened, when the window regains focus and every 20 s; a click focuses the
 * variation on this board, or opens it in the viewer when it is a finished one.
 */
export function NotificationsBell() {
  const { boardId } = useBoard()
  const { workspaceId } = useLibrary()
  const { editor, openViewer } = useReview()
  const [open, setOpen] = useState(false)
  const [feed, setFeed] = useState<TFeedResponse | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [marking, setMarking] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  /** The refresh that opening the panel starts; marking read waits for it, or its answer could clear the dots at once. */
  const opening = useRef<Promise<void> | null>(null)

  const refresh = useCallback(async () => {
    if (!workspaceId) return
    setLoading(true)
    try {
      const json = await requestJson<TFeedResponse>(`/api/feed?workspaceId=${encodeURIComponent(workspaceId)}`, { cache: 'no-store', fallback: (status) => `The feed answered ${status}.` })
      setFeed({ items: json.items, unread: json.unread })
      setError(null)
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not load notifications.')
    } finally {
      setLoading(false)
    }
  }, [workspaceId])

  const channel = useRef<BroadcastChannel | null>(null)
  useEffect(() => {
    void refresh()
    const timer = setInterval(() => void refresh(), REFRESH_MS)
    const onFocus = () => void refresh()
    window.addEventListener('focus', onFocus)
    // Another tab read the feed: take its marker (clears the count here without a round trip), then refresh.
    const bc = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(READ_CHANNEL)
    channel.current = bc
    if (bc) {
      bc.onmessage = (e: MessageEvent<{ workspaceId?: string; readSeq?: number }>) => {
        if (e.data?.workspaceId !== workspaceId || typeof e.data.readSeq !== 'number') return
        const readSeq = e.data.readSeq
        setFeed((f) => {
          if (!f) return f
          const items = f.items.map((i) => (i.seq <= readSeq ? { ...i, unread: false } : i))
          return { items, unread: items.filter((i) => i.unread).length }
        })
        void refresh()
      }
    }
    return () => {
      clearInterval(timer)
      window.removeEventListener('focus', onFocus)
      bc?.close()
      channel.current = null
    }
  }, [refresh, workspaceId])

  useEffect(() => {
    if (!open) return
    const onDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false)
    }
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false)
    document.addEventListener('pointerdown', onDown)
    window.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onDown)
      window.removeEventListener('keydown', onKey)
    }
  }, [open])

  /** Moves the read marker to the newest entry shown (or all) and tells the other tabs. */
  async function markRead(seq?: number, reload = true) {
    const { readSeq } = await requestJson<{ readSeq: number }>('/api/feed/read', { body: { workspaceId, ...(seq ? { seq } : {}) }, fallback: (status) => `Could not mark them read (${status}).` })
    channel.current?.postMessage({ workspaceId, readSeq })
    if (reload) await refresh()
  }

  // Opening the panel reads what it shows: the count clears here and in every other tab, while the
  // dots stay on the entries that were new until the panel closes.
  useEffect(() => {
    if (!open || !feed || feed.unread === 0) return
    const newest = feed.items[0]?.seq
    if (!newest) return
    void (opening.current ?? Promise.resolve()).then(() => markRead(newest, false)).then(
      () => setFeed((f) => (f ? { ...f, unread: 0 } : f)),
      (e: unknown) => setError(e instanceof Error ? e.message : 'Could not mark them read.'),
    )
  }, [open, feed?.items[0]?.seq, feed?.unread])

  async function markAllRead() {
    setMarking(true)
    try {
      await markRead()
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not mark them read.')
    } finally {
      setMarking(false)
    }
  }

  function show(item: TFeedItem) {
    const variationId = 'variationId' in item ? item.variationId : undefined
    const shape = item.boardId === boardId && variationId ? editor?.getShape(variationId as TLShape['id']) : undefined
    if (!editor || !shape) {
      // Another board's news: open that board at the variation (and the comment's thread and time).
      if (item.boardId !== boardId) window.location.assign(boardTargetPath(item.boardId, variationId ?? null, viewerTarget(item)))
      else setOpen(false)
      return
    }
    setOpen(false)
    const bounds = editor.getShapePageBounds(shape.id)
    editor.select(shape.id)
    if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, inset: 120, animation: { duration: 200 } })
    if ((shape.props as { status?: string }).status === 'succeeded' && item.type !== 'variation.succeeded') openViewer(shape.id, viewerTarget(item))
  }

  const unread = feed?.unread ?? 0
  const now = Date.now()
  return (
    <div className="m-bell-wrap" ref={root}>
      <button
        type="button"
        className={`m-bell${open ? ' m-bell-open' : ''}`}
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-expanded={open}
        data-testid="feed-bell"
        data-unread={unread}
        onClick={() => {
          setOpen((o) => !o)
          if (!open) opening.current = refresh()
        }}
      >
        <svg width="15" height="15" viewBox="0 0 16 16" aria-hidden>
          <path d="M8 2a4 4 0 0 0-4 4v2.5L2.8 11h10.4L12 8.5V6a4 4 0 0 0-4-4zM6.5 13a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
        </svg>
        {unread > 0 && <span className="m-bell-count" data-testid="feed-unread">{unread > 99 ? '99+' : unread}</span>}
      </button>
      {open && (
        <div className="m-feed" role="dialog" aria-label="Notifications" data-testid="feed-panel">
          <div className="m-feed-head">
            <span>Notifications</span>
            {loading && <span className="m-spinner m-feed-spinner" aria-label="Refreshing" />}
            <span className="m-feed-spacer" />
            <button type="button" className="m-link" data-testid="feed-mark-read" disabled={marking || unread === 0} onClick={() => void markAllRead()}>
              Mark all read
            </button>
          </div>
          {error && (
            <div className="m-feed-error" role="alert" data-testid="feed-error">
              {error} <button type="button" className="m-link" onClick={() => void refresh()}>Retry</button>
            </div>
          )}
          {!feed && !error && <div className="m-feed-empty">Loading…</div>}
          {feed && feed.items.length === 0 && <div className="m-feed-empty" data-testid="feed-empty">Nothing yet. Mentions, comments on your shots, new variations and decisions show up here.</div>}
          {feed && feed.items.length > 0 && (
            <ul className="m-feed-list">
              {feed.items.map((item) => (
                <li key={item.id}>
                  <button type="button" className={`m-feed-item${item.unread ? ' m-feed-unread' : ''}`} data-testid="feed-item" data-type={item.type} data-unread={item.unread ? 'true' : 'false'} onClick={() => show(item)}>
                    <span className={`m-feed-icon m-feed-icon-${item.type.replace('.', '-')}`} aria-hidden>{ICON[item.type]}</span>
                    <span className="m-feed-text">
                      <span><b>{item.actor.name || 'Someone'}</b> {what(item)}</span>
                      <span className="m-hint">{ago(item.at, now)}{item.boardId !== boardId ? ' · another board' : ''}</span>
                    </span>
                    {item.unread && <span className="m-feed-dot" aria-label="unread" />}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
