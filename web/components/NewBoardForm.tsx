'use client'

import { useState, type FormEvent } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'

export function NewBoardForm({ workspaceId }: { workspaceId: string }) {
  const router = useRouter()
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const board = await requestJson<{ id: string }>('/api/boards', { body: { workspaceId, name: name.trim() }, fallback: (status) => `Could not create the board (${status})` })
      router.push(`/boards/${board.id}`)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      setBusy(false)
    }
  }

  if (!open) {
    return (
      <button className="btn btn-primary" onClick={() => setOpen(true)} data-testid="new-board">
        + New board
      </button>
    )
  }
  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <input className="input" autoFocus placeholder="Board name" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="new-board-name" />
      <button className="btn btn-primary" type="submit" disabled={busy || !name.trim()} data-testid="new-board-create">
        {busy ? 'Creating…' : 'Create'}
      </button>
      <button className="btn btn-ghost" type="button" onClick={() => setOpen(false)}>Cancel</button>
      {error && <span className="error-text">{error}</span>}
    </form>
  )
}
