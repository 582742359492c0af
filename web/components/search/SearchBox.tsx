'use client'

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { TSearchResponse, TSearchResult, TSearchResultKind } from '@montage/core'
import { useBoard } from '@/components/board-context/BoardContext'
import { useLibrary } from '@/components/library/LibraryContext'
import { useReview } from '@/components/review/ReviewContext'
import { requestJson } from '@/lib/client/request-json'
import { boardTargetPath, focusTarget } from './board-target'
import './search.css'

const KIND_LABEL: Record<TSearchResultKind, string> = { board: 'Boards', shot: 'Shots', prompt: 'Prompts', tag: 'Tags', comment: 'Comments', person: 'People' }
const ORDER: TSearchResultKind[] = ['shot', 'prompt', 'comment', 'tag', 'board', 'person']

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
}

/** The text with the searched words' prefixes marked. */
function Marked({ text, words }: { text: string; words: string[] }) {
  if (words.length === 0 || !text) return <>{text}</>
  const re = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu')
  const parts = text.split(re)
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>
}

function where(r: TSearchResult): string {
  switch (r.kind) {
    case 'person':
      return r.text
    case 'tag':
      return r.boardName ? `latest use on ${r.boardName}` : 'not used in a prompt yet'
    case 'comment':
      return `${r.boardName ?? ''}${r.timeSeconds !== null ? ` · at ${r.timeSeconds.toFixed(1)} s` : ''}`
    default:
      return r.boardName ?? ''
  }
}

/**
 * The top bar's search over the workspace (boards, shots, prompts, tags, comments, people), opened
 * with "/" or Ctrl/⌘+K. Arrow keys move, Enter opens: a hit on this board zooms the canvas to it
 * (a comment opens in the viewer at its time); another board's opens that board there.
 */
export function SearchBox() {
  const { boardId } = useBoard()
  const { workspaceId } = useLibrary()
  const { editor, openViewer } = useReview()
  const [open, setOpen] = useState(false)
  const [q, setQ] = useState('')
  const [result, setResult] = useState<TSearchResponse | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [active, setActive] = useState(0)
  const [notice, setNotice] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const opener = useRef<HTMLElement | null>(null)
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

  const show = useCallback(() => {
    opener.current = document.activeElement as HTMLElement | null
    setOpen(true)
    setNotice(null)
  }, [])
  const close = useCallback(() => {
    setOpen(false)
    opener.current?.focus?.()
  }, [])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = e.key.toLowerCase()
      if ((k === 'k' && (e.metaKey || e.ctrlKey) && !e.altKey && !e.shiftKey) || (e.key === '/' && !e.metaKey && !e.ctrlKey && !e.altKey && !isTyping(e.target))) {
        e.preventDefault()
        e.stopPropagation()
        show()
      }
    }
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [show])

  useEffect(() => {
    if (open) input.current?.select()
  }, [open])

  useEffect(() => {
    const text = q.trim()
    if (!open || !workspaceId || !/[\p{L}\p{N}]/u.test(text)) {
      setResult(null)
      setError(null)
      setLoading(false)
      return
    }
    let cancelled = false
    setLoading(true)
    const timer = setTimeout(async () => {
      try {
        const json = await requestJson<TSearchResponse>(`/api/search?workspaceId=${encodeURIComponent(workspaceId)}&q=${encodeURIComponent(text)}`, { cache: 'no-store', fallback: (status) => `Search answered ${status}.` })
        if (cancelled) return
        setResult(json)
        setError(null)
        setActive(0)
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : 'Search failed.')
      } finally {
        if (!cancelled) setLoading(false)
      }
    }, 180)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [q, open, workspaceId])

  const ordered = useMemo(() => (result ? ORDER.flatMap((kind) => result.items.filter((r) => r.kind === kind)) : []), [result])
  const words = useMemo(() => q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [], [q])

  function go(r: TSearchResult) {
    if (r.kind === 'person') {
      window.location.assign(`/workspaces/${workspaceId}/members`)
      return
    }
    if (!r.boardId) {
      setNotice(`@${r.title.replace(/^@/, '')} is in the library but no prompt uses it yet.`)
      return
    }
    const at = r.kind === 'comment' ? { threadId: r.threadId, time: r.timeSeconds } : undefined
    if (r.boardId === boardId && editor) {
      if (!r.shapeId) {
        close()
        return
      }
      if (focusTarget(editor, openViewer, { shapeId: r.shapeId, threadId: at?.threadId ?? null, time: at?.time ?? null })) {
        close()
      } else {
        setNotice('That is no longer on this board (it was deleted).')
      }
      return
    }
    window.location.assign(boardTargetPath(r.boardId, r.shapeId, at))
  }

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault()
      close()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (ordered.length > 0) setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : -1) + ordered.length) % ordered.length)
    } else if (e.key === 'Enter') {
      const r = ordered[active]
      if (r) {
        e.preventDefault()
        go(r)
      }
    } else if (e.key === 'Tab') {
      // Focus stays in the dialog: the input is its one stop; arrows move through the results.
      e.preventDefault()
    }
    e.stopPropagation()
  }

  const shortcut = mac ? '⌘K' : 'Ctrl K'
  let index = -1
  return (
    <>
      <button type="button" className="m-search-open" onClick={show} data-testid="search-open" aria-keyshortcuts="/ Control+K Meta+K" title={`Search this workspace (/ or ${shortcut})`}>
        <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden>
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M10.5 10.5 14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <span>Search</span>
        <kbd>/</kbd>
      </button>
      {open && (
        <div className="m-search-backdrop" onPointerDown={(e) => e.target === e.currentTarget && close()}>
          <div className="m-search" role="dialog" aria-modal="true" aria-label="Search this workspace" data-testid="search-dialog" onKeyDown={onKeyDown}>
            <div className="m-search-field">
              <svg width="15" height="15" viewBox="0 0 16 16" aria-hidden>
                <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
                <path d="M10.5 10.5 14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
              </svg>
              <input
                ref={input}
                value={q}
                maxLength={200}
                onChange={(e) => {
                  setQ(e.target.value)
                  setNotice(null)
                }}
                placeholder="Search boards, shots, prompts, @tags, comments, people"
                aria-label="Search"
                role="combobox"
                aria-expanded={ordered.length > 0}
                aria-controls="m-search-results"
                aria-activedescendant={ordered[active] ? `m-search-hit-${active}` : undefined}
                data-testid="search-input"
              />
              {loading && <span className="m-spinner" aria-label="Searching" />}
              <kbd title="Close">Esc</kbd>
            </div>
            {notice && <div className="m-search-notice" role="status" data-testid="search-notice">{notice}</div>}
            {error && <div className="m-search-error" role="alert" data-testid="search-error">{error}</div>}
            {!error && !result && <div className="m-search-empty">{q.trim() ? (loading ? 'Searching…' : 'Type a word: letters or digits.') : 'Type to search this workspace. ↑ ↓ to move, Enter to open.'}</div>}
            {!error && result && ordered.length === 0 && <div className="m-search-empty" data-testid="search-none">Nothing matches “{result.q}”.</div>}
            {ordered.length > 0 && (
              <ul className="m-search-results" id="m-search-results" role="listbox" aria-label="Results" data-testid="search-results">
                {ORDER.map((kind) => {
                  const hits = ordered.filter((r) => r.kind === kind)
                  if (hits.length === 0) return null
                  return (
                    <li key={kind} role="presentation">
                      <div className="m-search-kind" role="presentation">{KIND_LABEL[kind]}</div>
                      <ul role="presentation">
                        {hits.map((r) => {
                          index++
                          const i = index
                          return (
                            <li
                              key={`${r.kind}:${r.id}`}
                              id={`m-search-hit-${i}`}
                              role="option"
                              aria-selected={i === active}
                              className={`m-search-hit${i === active ? ' m-search-hit-active' : ''}`}
                              data-testid="search-hit"
                              data-kind={r.kind}
                              onPointerMove={() => setActive(i)}
                              onClick={() => go(r)}
                            >
                              <span className="m-search-title"><Marked text={r.title || 'Untitled'} words={words} /></span>
                              {r.text && r.kind !== 'person' && <span className="m-search-text"><Marked text={r.text.length > 160 ? `${r.text.slice(0, 160)}…` : r.text} words={words} /></span>}
                              <span className="m-search-where">{where(r)}{r.boardId && r.boardId !== boardId ? ' · another board' : ''}</span>
                            </li>
                          )
                        })}
                      </ul>
                    </li>
                  )
                })}
              </ul>
            )}
          </div>
        </div>
      )}
    </>
  )
}
