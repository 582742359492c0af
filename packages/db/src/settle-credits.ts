import type { Sql } from './client'

export interface SettleCreditsOptions {
  generationId: string
  /** What the generation really cost; the rest of the reservation goes back. */
  actualCost: number
}

/** Closes a reservation at its real cost. Idempotent; does nothing after a release. */
/** True when this call settled the reservation (false: already settled or released, or none). */
export async function settleCredits(sql: Sql, opts: SettleCreditsOptions): Promise<boolean> {
  const result = await sql`
    INSERT INTO credit_ledger (workspace_id, kind, amount, generation_id)
    SELECT r.workspace_id, 'settle', (-r.amount) - LEAST(${opts.actualCost}, -r.amount), r.generation_id
    FROM credit_ledger r
    WHERE r.generation_id = ${opts.generationId} AND r.kind = 'reserve'
      AND NOT EXISTS (SELECT 1 FROM credit_ledger x WHERE x.generation_id = r.generation_id AND x.kind IN ('settle', 'release'))
    ON CONFLICT (generation_id, kind) DO NOTHING`
  return result.count > 0
}
