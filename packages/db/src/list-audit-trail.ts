import type { TAuditKind, TAuditRole } from '@montage/core'
import type { Sql } from './client'
import type { TPageAfter, TPaged } from './list-pages'

/** One row of the trail as stored; the web names the shot and the version from the board document. */
export interface TAuditRow extends TPaged {
  id: string
  kind: TAuditKind
  at: Date
  boardId: string
  boardName: string
  shotId: string | null
  variationId: string
  parentVariationId: string | null
  actorId: string | null
  actorName: string
  actorRole: TAuditRole | null
  model: string | null
  detail: string
}

export interface ListAuditTrailOptions {
  workspaceId: string
  boardId?: string
  /** The variation's own rows, and the edits made from it. */
  variationId?: string
  shotId?: string
  personId?: string
  kind?: TAuditKind
  after: TPageAfter | null
  limit: number
}

/**
 * The audit trail of a workspace (or of a board, a shot or a variation), newest first by
 * (time, id): generations and edits, comments and replies, decisions. Each row names who acted
 * and the role they acted in (recorded on insert; for older rows, their role now). Returns up to
 * `limit + 1` rows; the caller cuts the extra one and knows there is a next page.
 */
export async function listAuditTrail(sql: Sql, o: ListAuditTrailOptions): Promise<TAuditRow[]> {
  const wantGenerations = !o.kind || o.kind === 'generation' || o.kind === 'edit'
  const wantComments = !o.kind || o.kind === 'comment'
  const wantDecisions = !o.kind || o.kind === 'approved' || o.kind === 'changes_requested'
  const parts = []
  if (wantGenerations) {
    parts.push(sql`
      SELECT g.id, CASE WHEN g.parent_generation_id IS NULL THEN 'generation' ELSE 'edit' END AS kind, g.created_at AS at,
             g.board_id, g.shot_id, g.variation_id, p.variation_id AS parent_variation_id,
             g.created_by AS actor_id, COALESCE(g.actor_role, m.role::text) AS actor_role, g.model,
             COALESCE(g.request->>'prompt', g.params->>'prompt', '') AS detail
      FROM generations g
      LEFT JOIN generations p ON p.id = g.parent_generation_id
      LEFT JOIN memberships m ON m.workspace_id = g.workspace_id AND m.user_id = g.created_by
      WHERE g.workspace_id = ${o.workspaceId}
        ${o.boardId ? sql`AND g.board_id = ${o.boardId}` : sql``}
        ${o.variationId ? sql`AND (g.variation_id = ${o.variationId} OR p.variation_id = ${o.variationId})` : sql``}
        ${o.shotId ? sql`AND g.shot_id = ${o.shotId}` : sql``}
        ${o.personId ? sql`AND g.created_by = ${o.personId}` : sql``}
        ${o.kind === 'generation' ? sql`AND g.parent_generation_id IS NULL` : sql``}
        ${o.kind === 'edit' ? sql`AND g.parent_generation_id IS NOT NULL` : sql``}`)
  }
  if (wantComments) {
    parts.push(sql`
      SELECT c.id, 'comment' AS kind, c.created_at AS at, c.board_id, g.shot_id, c.variation_id, NULL::text AS parent_variation_id,
             c.author_id AS actor_id, COALESCE(c.actor_role, CASE WHEN c.guest THEN 'guest' ELSE m.role::text END) AS actor_role,
             NULL::text AS model, c.body AS detail
      FROM comments c
      JOIN boards b ON b.id = c.board_id
      LEFT JOIN generations g ON g.board_id = c.board_id AND g.variation_id = c.variation_id
      LEFT JOIN memberships m ON m.workspace_id = b.workspace_id AND m.user_id = c.author_id
      WHERE b.workspace_id = ${o.workspaceId}
        ${o.boardId ? sql`AND c.board_id = ${o.boardId}` : sql``}
        ${o.variationId ? sql`AND c.variation_id = ${o.variationId}` : sql``}
        ${o.shotId ? sql`AND g.shot_id = ${o.shotId}` : sql``}
        ${o.personId ? sql`AND c.author_id = ${o.personId}` : sql``}`)
  }
  if (wantDecisions) {
    parts.push(sql`
      SELECT d.id, d.decision AS kind, d.created_at AS at, d.board_id, g.shot_id, d.variation_id, NULL::text AS parent_variation_id,
             d.decided_by AS actor_id, COALESCE(d.actor_role, m.role::text) AS actor_role, NULL::text AS model, COALESCE(d.note, '') AS detail
      FROM review_decisions d
      JOIN boards b ON b.id = d.board_id
      LEFT JOIN generations g ON g.board_id = d.board_id AND g.variation_id = d.variation_id
      LEFT JOIN memberships m ON m.workspace_id = b.workspace_id AND m.user_id = d.decided_by
      WHERE b.workspace_id = ${o.workspaceId}
        ${o.boardId ? sql`AND d.board_id = ${o.boardId}` : sql``}
        ${o.variationId ? sql`AND d.variation_id = ${o.variationId}` : sql``}
        ${o.shotId ? sql`AND g.shot_id = ${o.shotId}` : sql``}
        ${o.personId ? sql`AND d.decided_by = ${o.personId}` : sql``}
        ${o.kind === 'approved' || o.kind === 'changes_requested' ? sql`AND d.decision = ${o.kind}` : sql``}`)
  }
  const union = parts.reduce((acc, part) => sql`${acc} UNION ALL ${part}`)
  const rows = await sql<(Omit<TAuditRow, 'boardName' | 'actorName'> & { board_name: string; actor_name: string | null })[]>`
    SELECT t.id, t.kind, t.at, t.at::text AS "pageAt", t.board_id AS "boardId", b.name AS board_name, t.shot_id AS "shotId",
           t.variation_id AS "variationId", t.parent_variation_id AS "parentVariationId", t.actor_id AS "actorId",
           COALESCE(u.name, c.author_name) AS actor_name, t.actor_role AS "actorRole", t.model, t.detail
    FROM (${union}) t
    JOIN boards b ON b.id = t.board_id
    LEFT JOIN users u ON u.id = t.actor_id
    LEFT JOIN comments c ON t.kind = 'comment' AND c.id = t.id
    ${o.after ? sql`WHERE (t.at, t.id) < (${o.after.at}::text::timestamptz, ${o.after.id}::uuid)` : sql``}
    ORDER BY t.at DESC, t.id DESC
    LIMIT ${o.limit + 1}`
  return rows.map(({ board_name, actor_name, ...r }) => ({ ...r, boardName: board_name, actorName: actor_name ?? 'Former member' }))
}
