'use client'

import { useState } from 'react'
import { useRouter } from 'next/navigation'
import { requestJson } from '@/lib/client/request-json'
import './admin.css'

export interface BudgetsPanelProps {
  workspaceId: string
  threshold: number | null
  boards: Array<{ boardId: string; boardName: string; budget: number | null; spent: number; remaining: number | null }>
  /** Owners and producers change them; editors see them. */
  canManage: boolean
}

/** A whole number of credits from a field: '' is none (null), anything else must be a whole number. */
function readCredits(text: string): { value: number | null } | { problem: string } {
  const t = text.trim()
  if (t === '') return { value: null }
  if (!/^\d+$/.test(t)) return { problem: 'Enter a whole number of credits, or leave it empty for none.' }
  return { value: Number(t) }
}

function ThresholdForm({ workspaceId, threshold, canManage }: Pick<BudgetsPanelProps, 'workspaceId' | 'threshold' | 'canManage'>) {
  const router = useRouter()
  const [text, setText] = useState(threshold === null ? '' : String(threshold))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  async function save(e: React.FormEvent) {
    e.preventDefault()
    const read = readCredits(text)
    if ('problem' in read) return setError(read.problem)
    setBusy(true)
    setError(null)
    setSaved(false)
    try {
      await requestJson(`/api/workspaces/${workspaceId}/approval-threshold`, { method: 'PUT', body: { threshold: read.value } })
      setSaved(true)
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="budget-threshold" onSubmit={(e) => void save(e)} data-testid="approval-threshold-form">
      <div>
        <label className="label" htmlFor="approval-threshold">Approval above</label>
        <div className="inline-form">
          <input id="approval-threshold" className="input budget-input" inputMode="numeric" placeholder="No approval" value={text} disabled={!canManage || busy} aria-invalid={error ? 'true' : undefined} onChange={(e) => { setText(e.target.value); setSaved(false) }} data-testid="approval-threshold" />
          <span className="muted">credits</span>
          {canManage && <button className="btn btn-sm" type="submit" disabled={busy} data-testid="approval-threshold-save">{busy ? 'Saving…' : 'Save'}</button>}
          {saved && <span className="muted" role="status">Saved</span>}
        </div>
      </div>
      <p className="muted budget-help">A job priced above this waits on its card until an owner or producer approves it; nothing is charged before. Empty: no job waits.</p>
      {error && <p className="field-error" role="alert">{error}</p>}
    </form>
  )
}

function BudgetRow({ board, canManage }: { board: BudgetsPanelProps['boards'][number]; canManage: boolean }) {
  const router = useRouter()
  const [text, setText] = useState(board.budget === null ? '' : String(board.budget))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const share = board.budget ? board.spent / board.budget : 0
  const state = board.budget === null ? 'none' : board.remaining === 0 ? 'stop' : share >= 0.8 ? 'warn' : 'ok'

  async function save(e: React.FormEvent) {
    e.preventDefault()
    const read = readCredits(text)
    if ('problem' in read) return setError(read.problem)
    if (read.value === 0) return setError('A budget is at least 1 credit; leave it empty for none.')
    setBusy(true)
    setError(null)
    try {
      await requestJson(`/api/boards/${board.boardId}/budget`, { method: 'PUT', body: { budget: read.value } })
      router.refresh()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="budget-row" onSubmit={(e) => void save(e)} data-testid="budget-row" data-board-id={board.boardId} data-state={state}>
      <div className="budget-name">
        <span>{board.boardName}</span>
        <span className={`budget-figures budget-${state}`}>
          {board.budget === null ? `${board.spent} spent · no budget` : `${board.spent} of ${board.budget} spent · ${board.remaining} left${state === 'warn' ? ' · over 80%' : state === 'stop' ? ' · spent' : ''}`}
        </span>
        {board.budget !== null && (
          <div className="spend-bar" aria-hidden><span className={`budget-bar-${state}`} style={{ width: `${Math.min(100, Math.round(share * 100))}%` }} /></div>
        )}
      </div>
      <div className="inline-form">
        <label className="sr-only" htmlFor={`budget-${board.boardId}`}>Budget of {board.boardName}, in credits</label>
        <input id={`budget-${board.boardId}`} className="input budget-input" inputMode="numeric" placeholder="No budget" value={text} disabled={!canManage || busy} aria-invalid={error ? 'true' : undefined} onChange={(e) => setText(e.target.value)} data-testid="budget-input" />
        {canManage && <button className="btn btn-sm" type="submit" disabled={busy} data-testid="budget-save">{busy ? 'Saving…' : 'Save'}</button>}
      </div>
      {error && <p className="field-error budget-error" role="alert" data-testid="budget-error">{error}</p>}
    </form>
  )
}

/** Budgets per board (warning at 80%, refusal past 100%) and the workspace's approval threshold. */
export function BudgetsPanel({ workspaceId, threshold, boards, canManage }: BudgetsPanelProps) {
  return (
    <section className="panel section" data-testid="budgets">
      <div className="panel-head">
        <h2>Budgets and approval</h2>
        <span className="muted" style={{ fontSize: 12 }}>{canManage ? 'owners and producers set these' : 'set by owners and producers'}</span>
      </div>
      <div className="panel-body">
        <ThresholdForm workspaceId={workspaceId} threshold={threshold} canManage={canManage} />
      </div>
      {boards.length === 0 ? (
        <div className="row-empty">No boards yet.</div>
      ) : (
        boards.map((b) => <BudgetRow key={b.boardId} board={b} canManage={canManage} />)
      )}
    </section>
  )
}
