import type { TReviewDecision } from '@montage/core'
import type { Sql } from './client'
import { toReviewDecision, type ReviewDecisionDbRow } from './record-review-decision'

/** The audit trail of a variation's decisions, oldest first. */
export async function listReviewDecisions(sql: Sql, opts: { boardId: string; variationId: string }): Promise<TReviewDecision[]> {
  const rows = await sql<ReviewDecisionDbRow[]>`
    SELECT d.id, d.variation_id, d.decision, d.decided_by, d.note, d.created_at, u.name AS by_name
    FROM review_decisions d JOIN users u ON u.id = d.decided_by
    WHERE d.board_id = ${opts.boardId} AND d.variation_id = ${opts.variationId}
    ORDER BY d.created_at, d.id`
  return rows.map(toReviewDecision)
}
