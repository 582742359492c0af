import type { TReviewDecision, TReviewDecisionKind } from '@montage/core'
import type { Queryable } from './client'

export interface RecordReviewDecisionOptions {
  boardId: string
  variationId: string
  decision: TReviewDecisionKind
  decidedBy: string
  note?: string | null
}

export interface ReviewDecisionDbRow {
  id: string
  variation_id: string
  decision: TReviewDecisionKind
  decided_by: string
  by_name: string
  note: string | null
  created_at: Date
}

export function toReviewDecision(r: ReviewDecisionDbRow): TReviewDecision {
  return { id: r.id, variationId: r.variation_id, decision: r.decision, by: { id: r.decided_by, name: r.by_name }, at: r.created_at.toISOString(), note: r.note }
}

/** Appends a decision to the audit trail; every decision is kept, the latest one stands. May run in a caller's transaction. */
export async function recordReviewDecision(sql: Queryable, opts: RecordReviewDecisionOptions): Promise<TReviewDecision> {
  const [row] = await sql<ReviewDecisionDbRow[]>`
    WITH d AS (
      INSERT INTO review_decisions (board_id, variation_id, decision, decided_by, note)
      VALUES (${opts.boardId}, ${opts.variationId}, ${opts.decision}, ${opts.decidedBy}, ${opts.note ?? null})
      RETURNING id, variation_id, decision, decided_by, note, created_at
    )
    SELECT d.*, u.name AS by_name FROM d JOIN users u ON u.id = d.decided_by`
  return toReviewDecision(row!)
}
