'use client'

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { useBoard } from '@/components/board-context/BoardContext'
import { requestJson } from '@/lib/client/request-json'

interface TCheckpoint {
  id: string
  name: string
  createdAt: string
  pending?: boolean
}

/** "When" in words a person reads at a glance: 3 min ago, 2 h ago, or the date. */
function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000)
  if (s < 60) return 'just now'
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return new Date(iso).toLocaleDateString()
}

/**
 * The board's history: save a named checkpoint, list them, restore one. A restore is a new edit
 * made by the server for everyone on the board, and it first saves the state it replaces.
 */
export function HistoryMenu() {
  const { boardId, readOnly } = useBoard()
  const [open, setOpen] = useState(false)
  const [items, setItems] = useState<TCheckpoint[] | null>(null)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const panel = useRef<HTMLDivElement>(null)

  const load = useCallback(async () => {
    setError(null)
    try {
      const { checkpoints } = await requestJson<{ checkpoints: TCheckpoint[] }>(`/api/boards/${boardId}/checkpoints`, { fallback: () => 'Could not load the history.' })
      setItems(checkpoints)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }, [boardId])

  useEffect(() => {
    if (open) void load()
  }, [open, load])

  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false)
    const onDown = (e: PointerEvent) => panel.current && !panel.current.contains(e.target as Node) && setOpen(false)
    window.addEventListener('keydown', onKey)
    window.addEventListener('pointerdown', onDown)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('pointerdown', onDown)
    }
  }, [open])

  async function save(e: FormEvent) {
    e.preventDefault()
    setBusy('save')
    setError(null)
    try {
      await requestJson(`/api/boards/${boardId}/checkpoints`, { body: { name }, fallback: () => 'The checkpoint was not saved.' })
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
    setName('')
    await load()
  }

  async function restore(c: TCheckpoint) {
    setBusy(c.id)
    setError(null)
    try {
      await requestJson(`/api/boards/${boardId}/checkpoints/${c.id}/restore`, { method: 'POST', fallback: () => 'Nothing was restored.' })
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
    // The restore arrives over the live board; the list gains the "before restoring" checkpoint.
    setTimeout(() => void load(), 800)
  }

  return (
    <div className="m-history" ref={panel}>
      <button type="button" className="m-btn m-btn-ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="history-button" title="Checkpoints of this board">
        History
      </button>
      {open && (
        <div className="m-history-panel" role="dialog" aria-label="Board history" data-testid="history-panel">
          {!readOnly && (
            <form className="m-history-save" onSubmit={(e) => void save(e)}>
              <input className="m-input" placeholder="Name this version, e.g. Client review 1" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="checkpoint-name" />
              <button className="m-btn m-btn-primary" type="submit" disabled={!name.trim() || busy === 'save'} data-testid="checkpoint-save">
                {busy === 'save' ? 'Saving…' : 'Save'}
              </button>
            </form>
          )}
          {error && <p className="m-history-error" role="alert">{error}</p>}
          {items === null ? (
            <p className="muted m-history-empty"><span className="m-spinner" /> Loading…</p>
          ) : items.length === 0 ? (
            <p className="muted m-history-empty">No checkpoints yet. Save one before a big change, so you can always come back.</p>
          ) : (
            <ul className="m-history-list">
              {items.map((c) => (
                <li key={c.id} data-testid="checkpoint-item" data-checkpoint-id={c.id}>
                  <span className="m-history-name">{c.name}</span>
                  <span className="muted m-history-when">{c.pending ? 'saving…' : ago(c.createdAt)}</span>
                  {!readOnly && (
                    <button type="button" className="m-btn" disabled={busy !== null} onClick={() => void restore(c)} data-testid="checkpoint-restore">
                      {busy === c.id ? 'Restoring…' : 'Restore'}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
