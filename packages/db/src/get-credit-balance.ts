import type { Sql } from './client'

/** A workspace's balance: the sum of its ledger. */
export async function getCreditBalance(sql: Sql, workspaceId: string): Promise<number> {
  const [row] = await sql<{ balance: number }[]>`
    SELECT COALESCE(SUM(amount), 0)::int AS balance FROM credit_ledger WHERE workspace_id = ${workspaceId}`
  return row!.balance
}
