import type postgres from 'postgres'
import { AppError, AppErrorCode } from '@montage/core'
import { checkBoardBudgets } from './budgets'

export interface HoldCreditsOptions {
  workspaceId: string
  /** One reservation per generation; a generation already reserved is skipped. */
  holds: Array<{ generationId: string; amount: number }>
}

/**
 * The one rule of a reservation, run inside the caller's transaction: the workspace row is locked
 * (so concurrent reservations of one workspace queue and the balance never goes below zero), every
 * hold not yet made is paid for together or not at all (INSUFFICIENT_CREDITS), and each generation
 * has at most one `reserve` row, never made again once released or settled (CONFLICT), and each
 * board's new holds together fit what its budget has left (BUDGET_EXCEEDED). Returns the balance after.
 */
export async function holdCredits(tx: postgres.TransactionSql, opts: HoldCreditsOptions): Promise<{ balance: number }> {
  await tx`SELECT id FROM workspaces WHERE id = ${opts.workspaceId} FOR UPDATE`
  const ids = opts.holds.map((h) => h.generationId)
  const entries = await tx<{ id: string; kind: string }[]>`
    SELECT generation_id AS id, kind::text AS kind FROM credit_ledger WHERE generation_id = ANY(${ids}::uuid[])`
  // A reservation already given back or charged is over: holding again would run the job for free
  // (a workflow whose start was reported failed, and undone, but which Temporal had started after all).
  const ended = entries.find((e) => e.kind === 'release' || e.kind === 'settle')
  if (ended) throw new AppError(AppErrorCode.CONFLICT, 'This generation was already ended; its credits cannot be reserved again.')
  const reserved = new Set(entries.filter((e) => e.kind === 'reserve').map((e) => e.id))
  const [row] = await tx<{ balance: number }[]>`
    SELECT COALESCE(SUM(amount), 0)::int AS balance FROM credit_ledger WHERE workspace_id = ${opts.workspaceId}`
  const balance = row!.balance
  const holds = opts.holds.filter((h) => !reserved.has(h.generationId))
  const total = holds.reduce((sum, h) => sum + h.amount, 0)
  if (holds.length > 0) {
    const boards = await tx<{ id: string; boardId: string }[]>`
      SELECT id, board_id AS "boardId" FROM generations WHERE id = ANY(${holds.map((h) => h.generationId)}::uuid[])`
    const boardOf = new Map(boards.map((b) => [b.id, b.boardId]))
    await checkBoardBudgets(tx, {
      workspaceId: opts.workspaceId,
      charges: holds.flatMap((h) => (boardOf.has(h.generationId) ? [{ boardId: boardOf.get(h.generationId)!, amount: h.amount }] : [])),
    })
  }
  if (balance < total) {
    const n = holds.length
    throw new AppError(AppErrorCode.INSUFFICIENT_CREDITS, `${n === 1 ? 'This needs' : `These ${n} variations need`} ${total} credits; the workspace has ${balance}.`)
  }
  for (const h of holds) {
    await tx`
      INSERT INTO credit_ledger (workspace_id, kind, amount, generation_id)
      VALUES (${opts.workspaceId}, 'reserve', ${-h.amount}, ${h.generationId})`
  }
  return { balance: balance - total }
}
