import type { Sql } from './client'

/**
 * The review state each variation's latest recorded decision gave it, for those of `variationIds`
 * that have one (a variation without a decision is pending).
 */
export async function getLatestReviewStates(sql: Sql, opts: { boardId: string; variationIds: string[] }): Promise<Map<string, 'approved' | 'changes_requested'>> {
  if (opts.variationIds.length === 0) return new Map()
  const rows = await sql<{ variation_id: string; decision: 'approved' | 'changes_requested' }[]>`
    SELECT DISTINCT ON (variation_id) variation_id, decision
    FROM review_decisions
    WHERE board_id = ${opts.boardId} AND variation_id = ANY(${opts.variationIds})
    ORDER BY variation_id, created_at DESC, id DESC`
  return new Map(rows.map((r) => [r.variation_id, r.decision]))
}
