import type { Sql } from './client'

/** Returns a whole reservation (failure or cancel). Idempotent; does nothing after a settle. */
/** True when this call released the reservation (false: already settled or released, or none). */
export async function releaseCredits(sql: Sql, opts: { generationId: string }): Promise<boolean> {
  const result = await sql`
    INSERT INTO credit_ledger (workspace_id, kind, amount, generation_id)
    SELECT r.workspace_id, 'release', -r.amount, r.generation_id
    FROM credit_ledger r
    WHERE r.generation_id = ${opts.generationId} AND r.kind = 'reserve'
      AND NOT EXISTS (SELECT 1 FROM credit_ledger x WHERE x.generation_id = r.generation_id AND x.kind IN ('settle', 'release'))
    ON CONFLICT (generation_id, kind) DO NOTHING`
  return result.count > 0
}
