'use client'

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'

export interface ConfirmDialogProps {
  title: string
  children: ReactNode
  /** The button that does it ("Remove", "Delete board"). */
  confirmLabel: string
  /** Red confirm button for what cannot be undone. */
  danger?: boolean
  /** When set, the confirm button stays off until this text is typed (a board's name before deleting it). */
  typeToConfirm?: string
  /** A text field the action takes (a board's new name); its value goes to `onConfirm`. */
  field?: { label: string; initial: string; maxLength: number }
  /** Runs on confirm; a thrown error is shown in the dialog, which stays open. */
  onConfirm: (typed: string) => Promise<void>
  onClose: () => void
  testId?: string
}

/**
 * A modal confirmation on the native <dialog>: focus moves into it and stays there, Escape and
 * Cancel close it, Enter confirms. Used before every destructive action on the admin pages.
 */
export function ConfirmDialog({ title, children, confirmLabel, danger, typeToConfirm, field, onConfirm, onClose, testId }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const [typed, setTyped] = useState(field?.initial ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  const ready = typeToConfirm !== undefined ? typed.trim() === typeToConfirm : !field || typed.trim().length > 0
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!ready || busy) return
    setBusy(true)
    setError(null)
    try {
      await onConfirm(typed)
      ref.current?.close()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
      setBusy(false)
    }
  }

  return (
    <dialog ref={ref} className="m-dialog" aria-labelledby="m-dialog-title" onClose={onClose} data-testid={testId ?? 'confirm-dialog'}>
      <form method="dialog" onSubmit={submit}>
        <h2 id="m-dialog-title">{title}</h2>
        <div className="m-dialog-body">{children}</div>
        {typeToConfirm !== undefined && (
          <div style={{ marginTop: 12 }}>
            <label className="label" htmlFor="m-dialog-typed">Type <strong>{typeToConfirm}</strong> to confirm</label>
            <input id="m-dialog-typed" className="input" autoFocus autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="confirm-typed" />
          </div>
        )}
        {field && (
          <div style={{ marginTop: 12 }}>
            <label className="label" htmlFor="m-dialog-field">{field.label}</label>
            <input id="m-dialog-field" className="input" autoFocus autoComplete="off" maxLength={field.maxLength} value={typed} onChange={(e) => setTyped(e.target.value)} onFocus={(e) => e.target.select()} data-testid="confirm-field" />
          </div>
        )}
        {error && <p className="error-text" role="alert" style={{ margin: '12px 0 0' }}>{error}</p>}
        <div className="m-dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={() => ref.current?.close()} autoFocus={typeToConfirm === undefined && !field}>Cancel</button>
          <button type="submit" className={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={!ready || busy} data-testid="confirm-ok">
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}
