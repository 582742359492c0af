import { AppError, AppErrorCode } from '@montage/core'
import type { Sql } from './client'

export interface ReserveCreditsOptions {
  workspaceId: string
  generationId: string
  amount: number
}

/**
 * Holds `amount` credits for a generation. Concurrent reservations of one workspace are
 * serialised on its row, so the balance never goes below zero; a repeat call for the same
 * generation is a no-op.
 */
export async function reserveCredits(sql: Sql, opts: ReserveCreditsOptions): Promise<{ balance: number }> {
  return sql.begin(async (tx) => {
    await tx`SELECT id FROM workspaces WHERE id = ${opts.workspaceId} FOR UPDATE`
    const [existing] = await tx`SELECT 1 FROM credit_ledger WHERE generation_id = ${opts.generationId} AND kind = 'reserve'`
    const [row] = await tx<{ balance: number }[]>`
      SELECT COALESCE(SUM(amount), 0)::int AS balance FROM credit_ledger WHERE workspace_id = ${opts.workspaceId}`
    const balance = row!.balance
    if (existing) return { balance }
    if (balance < opts.amount) {
      throw new AppError(AppErrorCode.INSUFFICIENT_CREDITS, `This needs ${opts.amount} credits; the workspace has ${balance}.`)
    }
    await tx`
      INSERT INTO credit_ledger (workspace_id, kind, amount, generation_id)
      VALUES (${opts.workspaceId}, 'reserve', ${-opts.amount}, ${opts.generationId})`
    return { balance: balance - opts.amount }
  })
}
