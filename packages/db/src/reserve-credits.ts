import type { Sql } from './client'
import { holdCredits } from './hold-credits'

export interface ReserveCreditsOptions {
  workspaceId: string
  generationId: string
  amount: number
}

/**
 * Holds `amount` credits for a generation whose row is already stored (`holdCredits`' rule): a
 * repeat call for the same generation is a no-op. The workflow calls it before it renders; for a
 * generation the web stored with `createReservedGenerations` the reservation is already there.
 */
export async function reserveCredits(sql: Sql, opts: ReserveCreditsOptions): Promise<{ balance: number }> {
  return sql.begin((tx) => holdCredits(tx, { workspaceId: opts.workspaceId, holds: [{ generationId: opts.generationId, amount: opts.amount }] }))
}
