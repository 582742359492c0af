'use client'

import { useState } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'
import { DeleteBoardDialog } from './BoardMenu'
import './admin.css'

export interface ArchivedBoardsProps {
  boards: { id: string; name: string; archivedAt: string }[]
  canDelete: boolean
}

/** A workspace's archived boards, folded away under the board grid: restore, or (owners) delete for good. */
export function ArchivedBoards({ boards, canDelete }: ArchivedBoardsProps) {
  const router = useRouter()
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null)
  if (boards.length === 0) return null

  async function restore(id: string) {
    setBusy(id)
    setError(null)
    try {
      await requestJson(`/api/boards/${id}`, { method: 'PATCH', body: { archived: false } })
      router.refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <details className="panel" style={{ marginTop: 16 }} data-testid="archived-boards">
      <summary className="panel-head" style={{ cursor: 'pointer', borderBottom: 0 }}>
        <h2 style={{ fontSize: 13 }}>Archived boards <span className="pill" style={{ marginLeft: 6 }}>{boards.length}</span></h2>
      </summary>
      {error && <p className="error-text" role="alert" style={{ margin: '0 16px 12px' }}>{error}</p>}
      <div className="rows" style={{ borderTop: '1px solid var(--border)' }}>
        {boards.map((b) => (
          <div className="row" key={b.id} data-testid="archived-board">
            <div className="row-main">
              <div className="row-title">{b.name}</div>
              <div className="row-sub">Archived {new Date(b.archivedAt).toLocaleDateString('en', { month: 'short', day: 'numeric', year: 'numeric' })}</div>
            </div>
            <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => void restore(b.id)} data-testid="board-restore">{busy === b.id ? 'Restoring…' : 'Restore'}</button>
            {canDelete && <button type="button" className="btn btn-danger-ghost btn-sm" onClick={() => setDeleting(b)} data-testid="archived-board-delete">Delete…</button>}
          </div>
        ))}
      </div>
      {deleting && <DeleteBoardDialog board={deleting} onClose={() => setDeleting(null)} />}
    </details>
  )
}
