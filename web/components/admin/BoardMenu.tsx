'use client'

import { useEffect, useRef, useState } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'
import { ConfirmDialog } from './ConfirmDialog'
import './admin.css'

export interface BoardMenuProps {
  board: { id: string; name: string }
  /** Owners may also delete (producers rename, duplicate and archive). */
  canDelete: boolean
}

type TAction = 'rename' | 'archive' | 'delete' | null

/**
 * The ⋯ menu on a board card: rename, duplicate, archive, and (owners) delete. Arrow keys move
 * through the items, Escape closes; archive and delete ask first.
 */
export function BoardMenu({ board, canDelete }: BoardMenuProps) {
  const router = useRouter()
  const [open, setOpen] = useState(false)
  const [action, setAction] = useState<TAction>(null)
  const [error, setError] = useState<string | null>(null)
  const menuRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!open) return
    menuRef.current?.querySelector('button')?.focus()
    const onDown = (e: PointerEvent) => {
      if (!menuRef.current?.contains(e.target as Node) && e.target !== buttonRef.current) setOpen(false)
    }
    document.addEventListener('pointerdown', onDown)
    return () => document.removeEventListener('pointerdown', onDown)
  }, [open])

  function onMenuKey(e: React.KeyboardEvent) {
    const items = [...(menuRef.current?.querySelectorAll('button') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLButtonElement)
    if (e.key === 'Escape') {
      setOpen(false)
      buttonRef.current?.focus()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
    }
  }

  function pick(next: TAction) {
    setOpen(false)
    setError(null)
    setAction(next)
  }

  async function duplicate() {
    setOpen(false)
    setError(null)
    try {
      await requestJson(`/api/boards/${board.id}/duplicate`, { body: {} })
      router.refresh()
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }

  return (
    <>
      <button ref={buttonRef} type="button" className="board-menu-button" aria-label={`Manage ${board.name}`} aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="board-menu">⋯</button>
      {open && (
        <div ref={menuRef} className="board-menu" role="menu" onKeyDown={onMenuKey}>
          <button role="menuitem" type="button" onClick={() => pick('rename')} data-testid="board-rename">Rename…</button>
          <button role="menuitem" type="button" onClick={() => void duplicate()} data-testid="board-duplicate">Duplicate</button>
          <button role="menuitem" type="button" onClick={() => pick('archive')} data-testid="board-archive">Archive…</button>
          {canDelete && <button role="menuitem" type="button" className="danger" onClick={() => pick('delete')} data-testid="board-delete">Delete…</button>}
        </div>
      )}
      {error && <div className="error-text" role="alert" style={{ padding: '0 12px 10px', fontSize: 12 }} data-testid="board-error">{error}</div>}
      {action === 'rename' && (
        <ConfirmDialog title="Rename board" confirmLabel="Rename" field={{ label: 'Name', initial: board.name, maxLength: 120 }} onClose={() => setAction(null)} onConfirm={async (name) => {
          await requestJson(`/api/boards/${board.id}`, { method: 'PATCH', body: { name: name.trim() } })
          router.refresh()
        }}>
          <p>Everyone in the workspace sees the new name.</p>
        </ConfirmDialog>
      )}
      {action === 'archive' && (
        <ConfirmDialog title={`Archive “${board.name}”?`} confirmLabel="Archive" onClose={() => setAction(null)} onConfirm={async () => {
          await requestJson(`/api/boards/${board.id}`, { method: 'PATCH', body: { archived: true } })
          router.refresh()
        }}>
          <p>It leaves the list of boards; nothing in it is lost. Restore it from Archived boards at any time.</p>
        </ConfirmDialog>
      )}
      {action === 'delete' && <DeleteBoardDialog board={board} onClose={() => setAction(null)} />}
    </>
  )
}

/** Deleting asks for the board's name, as the API does. */
export function DeleteBoardDialog({ board, onClose }: { board: { id: string; name: string }; onClose: () => void }) {
  const router = useRouter()
  return (
    <ConfirmDialog title={`Delete “${board.name}” for good?`} confirmLabel="Delete board" danger typeToConfirm={board.name} onClose={onClose} testId="delete-board-dialog" onConfirm={async (typed) => {
      await requestJson(`/api/boards/${board.id}`, { method: 'DELETE', body: { confirmName: typed.trim() } })
      router.refresh()
    }}>
      <p>Its canvas, checkpoints, variations, comments and review links are deleted and cannot be restored. Credits already spent stay in the ledger.</p>
    </ConfirmDialog>
  )
}
