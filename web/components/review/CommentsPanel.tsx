'use client'

import { useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { COMMENT_BODY_MAX } from '@montage/core'
import { shortTime, type TMember, type TReviewComment } from './review-client'
import { PeerCarets } from '@/components/shared-text/PeerCarets'
import type { TSharedTextBinding } from '@/components/shared-text/useSharedText'

export interface TDraft {
  body: string
  parentId: string | null
}

interface Props {
  comments: TReviewComment[] | null
  loadError: string | null
  selectedId: string | null
  onSelect: (comment: TReviewComment) => void
  /** Authors resolve their own threads; producers and owners anyone's. */
  canResolve: (comment: TReviewComment) => boolean
  onResolve: (comment: TReviewComment, resolved: boolean) => Promise<string | null>
  draft: TDraft
  setDraft: (d: TDraft) => void
  /**
   * The draft's body as a text written together (on the board: everyone with this variation open
   * writes one draft and sees the others' carets); its value is `draft.body`.
   */
  body?: TSharedTextBinding
  /** What the composer attaches, in words: `at 1.21 s`, `1.00–1.50 s`, `+ region`. */
  attachment: { label: string; onClear: (() => void) | null }[]
  onSubmit: () => void
  submitting: boolean
  submitError: string | null
  members: TMember[]
  /** Board members who may edit: turn a thread's time range and region into an edit. */
  onEditFromComment?: (comment: TReviewComment) => void
  /** Replaces the panel's title: the viewer's Comments / Activity tabs. */
  tabs?: ReactNode
}

function when(iso: string): string {
  const d = new Date(iso)
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

function timeLabel(c: TReviewComment): string | null {
  if (c.timeSeconds === null) return null
  return c.endSeconds !== null ? `${shortTime(c.timeSeconds)}–${shortTime(c.endSeconds)}` : shortTime(c.timeSeconds)
}

/** `@Name` tokens in a body, shown as mentions. */
function Body({ text, members }: { text: string; members: TMember[] }) {
  const names = members.map((m) => m.name).sort((a, b) => b.length - a.length)
  if (names.length === 0) return <>{text}</>
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const parts = text.split(new RegExp(`(@(?:${escaped.join('|')}))`, 'g'))
  return <>{parts.map((p, i) => (i % 2 === 1 ? <span key={i} className="m-mention">{p}</span> : p))}</>
}

function Thread({ root, replies, selected, onSelect, canResolve, onResolve, onReply, members, onEdit }: {
  root: TReviewComment
  replies: TReviewComment[]
  selected: boolean
  onSelect: () => void
  canResolve: boolean
  onResolve: (resolved: boolean) => Promise<string | null>
  onReply: () => void
  members: TMember[]
  onEdit?: () => void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const t = timeLabel(root)
  return (
    <li className={`m-thread${selected ? ' m-thread-selected' : ''}${root.resolved ? ' m-thread-resolved' : ''}`} data-testid="thread" data-thread-id={root.id} data-resolved={root.resolved ? 'true' : 'false'}>
      <button type="button" className="m-thread-main" onClick={onSelect} data-testid="thread-open">
        <span className="m-thread-head">
          <span className="m-thread-author">{root.author.name}{root.author.guest && <span className="m-hint"> · guest</span>}</span>
          {t && <span className="m-thread-time">{t}</span>}
          {root.region && <span className="m-thread-tag" title="Has a drawn region">▭</span>}
          <span className="m-hint m-thread-when">{when(root.createdAt)}</span>
        </span>
        <span className="m-thread-body" data-testid="thread-body"><Body text={root.body} members={members} /></span>
      </button>
      {replies.length > 0 && (
        <ul className="m-replies">
          {replies.map((r) => (
            <li key={r.id} data-testid="reply">
              <span className="m-thread-author">{r.author.name}</span> <span className="m-hint">{when(r.createdAt)}</span>
              <div className="m-thread-body"><Body text={r.body} members={members} /></div>
            </li>
          ))}
        </ul>
      )}
      <div className="m-thread-actions">
        <button type="button" className="m-link" onClick={onReply}>Reply</button>
        {onEdit && !root.resolved && (
          <button type="button" className="m-link" data-testid="thread-edit" title="Start an edit of this variation focused on this comment's time and region" onClick={onEdit}>
            Edit from comment
          </button>
        )}
        {canResolve && (
          <button
            type="button"
            className="m-link"
            data-testid={root.resolved ? 'thread-reopen' : 'thread-resolve'}
            disabled={busy}
            onClick={async () => {
              setBusy(true)
              setError(await onResolve(!root.resolved))
              setBusy(false)
            }}
          >
            {root.resolved ? 'Reopen' : 'Resolve'}
          </button>
        )}
        {error && <span className="m-inline-error" role="alert">{error}</span>}
      </div>
    </li>
  )
}

/** The side panel: this variation's threads (newest first, resolved folded away) and the composer. */
export function CommentsPanel(p: Props) {
  const [showResolved, setShowResolved] = useState(false)
  const [mention, setMention] = useState<{ query: string; start: number; index: number } | null>(null)
  const textarea = useRef<HTMLTextAreaElement | null>(null)
  const carets = useRef<HTMLDivElement>(null)
  const pendingCaret = useRef<number | null>(null)
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !textarea.current) return
    textarea.current.setSelectionRange(pendingCaret.current, pendingCaret.current)
    pendingCaret.current = null
  })

  const threads = useMemo(() => {
    const all = p.comments ?? []
    const roots = all.filter((c) => !c.parentId).sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    const repliesOf = (id: string) => all.filter((c) => c.parentId === id).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    return roots.map((root) => ({ root, replies: repliesOf(root.id) }))
  }, [p.comments])
  const open = threads.filter((t) => !t.root.resolved)
  const resolved = threads.filter((t) => t.root.resolved)
  const replyTo = p.draft.parentId ? threads.find((t) => t.root.id === p.draft.parentId)?.root : null

  const candidates = useMemo(() => {
    if (!mention) return []
    const q = mention.query.toLowerCase()
    // Names that start with what was typed (any word of them) come before names that merely contain it.
    const starts = p.members.filter((m) => m.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)))
    const contains = p.members.filter((m) => !starts.includes(m) && m.name.toLowerCase().includes(q))
    return [...starts, ...contains].slice(0, 6)
  }, [mention, p.members])

  // A new body, with where the caret ends up (so that a shared draft places the edit there).
  function writeBody(body: string, caret: number) {
    if (p.body) p.body.onChange(body, caret)
    else p.setDraft({ ...p.draft, body })
  }

  function onBodyChange(value: string, caret: number) {
    writeBody(value, caret)
    const before = value.slice(0, caret)
    const m = /(^|\s)@([^\s@]{0,30})$/.exec(before)
    setMention(m ? { query: m[2] ?? '', start: caret - (m[2]?.length ?? 0) - 1, index: 0 } : null)
  }

  function pick(member: TMember) {
    if (!mention) return
    const el = textarea.current
    const caret = el?.selectionStart ?? p.draft.body.length
    const body = `${p.draft.body.slice(0, mention.start)}@${member.name} ${p.draft.body.slice(caret)}`
    // The caret goes after the inserted name in the same commit that writes the new value
    // (a layout effect): set a frame later, keys typed in between landed at the end of the text.
    pendingCaret.current = mention.start + member.name.length + 2
    writeBody(body, pendingCaret.current)
    setMention(null)
    el?.focus()
  }

  const render = (t: (typeof threads)[number]) => (
    <Thread
      key={t.root.id}
      root={t.root}
      replies={t.replies}
      selected={p.selectedId === t.root.id}
      onSelect={() => p.onSelect(t.root)}
      canResolve={p.canResolve(t.root)}
      onResolve={(r) => p.onResolve(t.root, r)}
      onEdit={p.onEditFromComment ? () => p.onEditFromComment!(t.root) : undefined}
      onReply={() => {
        p.setDraft({ ...p.draft, parentId: t.root.id })
        textarea.current?.focus()
      }}
      members={p.members}
    />
  )

  return (
    <aside className="m-review-side" data-testid="comments-panel">
      <div className="m-review-side-head">
        {p.tabs ?? <strong>Comments</strong>}
        <span className="m-hint">{p.comments ? `${open.length} open` : ''}</span>
      </div>
      <div className="m-review-threads">
        {p.loadError && <p className="m-inline-error" role="alert">{p.loadError}</p>}
        {!p.comments && !p.loadError && (
          <p className="m-hint m-review-empty"><span className="m-spinner" /> Loading comments…</p>
        )}
        {p.comments && threads.length === 0 && (
          <p className="m-hint m-review-empty" data-testid="comments-empty">No comments yet. Pause on a frame, draw a region if it helps, and write what you see.</p>
        )}
        <ul className="m-thread-list">{open.map(render)}</ul>
        {resolved.length > 0 && (
          <div className="m-resolved">
            <button type="button" className="m-link" data-testid="toggle-resolved" onClick={() => setShowResolved((s) => !s)}>
              {showResolved ? '▾' : '▸'} Resolved ({resolved.length})
            </button>
            {showResolved && <ul className="m-thread-list">{resolved.map(render)}</ul>}
          </div>
        )}
      </div>
      <form
        className="m-composer"
        data-testid="composer"
        onSubmit={(e) => {
          e.preventDefault()
          p.onSubmit()
        }}
      >
        {replyTo && (
          <div className="m-composer-reply">
            Replying to {replyTo.author.name}
            <button type="button" className="m-chip-x" aria-label="Not a reply" onClick={() => p.setDraft({ ...p.draft, parentId: null })}>×</button>
          </div>
        )}
        <div className="m-composer-chips" data-testid="composer-attachments">
          {!replyTo &&
            p.attachment.map((a) => (
              <span key={a.label} className="m-chip">
                {a.label}
                {a.onClear && <button type="button" className="m-chip-x" aria-label={`Remove ${a.label}`} onClick={a.onClear}>×</button>}
              </span>
            ))}
        </div>
        <div className="m-composer-input">
          <textarea
            ref={(el) => {
              textarea.current = el
              p.body?.ref(el)
            }}
            className="m-textarea"
            data-testid="comment-input"
            rows={3}
            maxLength={COMMENT_BODY_MAX}
            placeholder={p.members.length > 0 ? "Write a comment… (@ to mention)" : "Write a comment…"}
            value={p.draft.body}
            onChange={(e) => onBodyChange(e.target.value, e.target.selectionStart)}
            onSelect={() => p.body?.onSelect()}
            onFocus={() => p.body?.onFocus()}
            onBlur={() => p.body?.onBlur()}
            onScroll={(e) => {
              if (carets.current) carets.current.scrollTop = e.currentTarget.scrollTop
            }}
            onKeyDown={(e) => {
              if (p.body?.onKeyDown(e)) return
              if (mention && candidates.length > 0) {
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault()
                  const d = e.key === 'ArrowDown' ? 1 : -1
                  setMention({ ...mention, index: (mention.index + d + candidates.length) % candidates.length })
                  return
                }
                if (e.key === 'Enter' || e.key === 'Tab') {
                  e.preventDefault()
                  pick(candidates[mention.index] ?? candidates[0]!)
                  return
                }
              }
              if (e.key === 'Escape') {
                if (mention) setMention(null)
                else e.currentTarget.blur()
                e.preventDefault()
                e.stopPropagation()
              }
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault()
                p.onSubmit()
              }
            }}
          />
          {p.body && <PeerCarets ref={carets} value={p.draft.body} carets={p.body.carets} className="m-composer-carets" />}
          {mention && candidates.length > 0 && (
            <ul className="m-mentions" data-testid="mention-list" role="listbox">
              {candidates.map((m, i) => (
                <li key={m.id}>
                  <button type="button" className={i === mention.index ? 'm-mention-active' : ''} onMouseDown={(e) => e.preventDefault()} onClick={() => pick(m)} data-testid="mention-option">
                    {m.name} <span className="m-hint">{m.role}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        {p.submitError && <p className="m-inline-error" role="alert" data-testid="comment-error">{p.submitError}</p>}
        <div className="m-composer-foot">
          <span className="m-hint">⌘/Ctrl + Enter to send</span>
          <button type="submit" className="m-btn m-btn-primary m-btn-sm" data-testid="comment-submit" disabled={p.submitting || p.draft.body.trim().length === 0}>
            {p.submitting ? 'Sending…' : replyTo ? 'Reply' : 'Comment'}
          </button>
        </div>
      </form>
    </aside>
  )
}
