import type { TReviewDecisionKind } from '@montage/core'
import type { Sql } from './client'

/** A decision as a delivery manifest shows it: the person by name and by their role in the workspace. */
export interface TDeliveryDecision {
  variationId: string
  decision: TReviewDecisionKind
  by: { id: string; name: string; role: string | null }
  at: Date
  note: string | null
}

/**
 * The decision trail of several variations of a board, oldest first, each with the decider's
 * name and current role in the board's workspace (null when they have since left it).
 */
export async function listDeliveryDecisions(sql: Sql, opts: { boardId: string; variationIds: string[] }): Promise<TDeliveryDecision[]> {
  if (opts.variationIds.length === 0) return []
  const rows = await sql<{ variation_id: string; decision: TReviewDecisionKind; decided_by: string; name: string; role: string | null; note: string | null; created_at: Date }[]>`
    SELECT d.variation_id, d.decision, d.decided_by, u.name, m.role::text AS role, d.note, d.created_at
    FROM review_decisions d
    JOIN users u ON u.id = d.decided_by
    JOIN boards b ON b.id = d.board_id
    LEFT JOIN memberships m ON m.workspace_id = b.workspace_id AND m.user_id = d.decided_by
    WHERE d.board_id = ${opts.boardId} AND d.variation_id = ANY(${opts.variationIds})
    ORDER BY d.created_at, d.id`
  return rows.map((r) => ({ variationId: r.variation_id, decision: r.decision, by: { id: r.decided_by, name: r.name, role: r.role }, at: r.created_at, note: r.note }))
}
