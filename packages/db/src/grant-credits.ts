import type { Sql } from './client'

export interface GrantCreditsOptions {
  workspaceId: string
  amount: number
  note: string
}

export async function grantCredits(sql: Sql, opts: GrantCreditsOptions): Promise<void> {
  if (!Number.isInteger(opts.amount) || opts.amount <= 0) throw new Error('grant amount must be a positive integer')
  await sql`INSERT INTO credit_ledger (workspace_id, kind, amount, note) VALUES (${opts.workspaceId}, 'grant', ${opts.amount}, ${opts.note})`
}
