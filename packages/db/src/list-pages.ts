import type { TComment, TGenerationStatus, TLibraryReference, TReviewDecision } from '@montage/core'
import type { Sql } from './client'
import { COMMENT_COLUMNS, toComment, type CommentDbRow } from './comment-row'
import { toReviewDecision, type ReviewDecisionDbRow } from './record-review-decision'
import { ASSET_VIEW_COLUMNS, type TAssetViewRow } from './asset-view'
import type { TBoardRow } from './boards'
import { GENERATION_COLUMNS, type TGenerationRow } from './generations'

/*
 * The public API's lists (issue 14): oldest first, by (created_at, id), so a row keeps its place
 * while newer ones arrive and a cursor (`after`: the last row a page ended on) never skips or
 * repeats one. Each returns up to `limit + 1` rows; the caller cuts the extra one and knows
 * there is a next page.
 */

/*
 * The place is compared as `${at}::text::timestamptz`: a parameter postgres.js sees cast to a
 * timestamp it sends through a JS Date, which drops the microseconds again.
 */
export interface TPageAfter {
  /** The row's `created_at` as PostgreSQL writes it (microseconds: a JS Date would round them off and repeat rows). */
  at: string
  id: string
}

/** What every paged row carries besides its own fields: its place, for the next page's cursor. */
export interface TPaged {
  pageAt: string
}

export interface TPageOptions {
  after: TPageAfter | null
  limit: number
}

export async function listGenerationsPage(
  sql: Sql,
  opts: TPageOptions & { workspaceId: string; boardId?: string; shotId?: string; status?: TGenerationStatus },
): Promise<(TGenerationRow & TPaged)[]> {
  return sql<(TGenerationRow & TPaged)[]>`
    SELECT ${sql.unsafe(GENERATION_COLUMNS)}, created_at::text AS "pageAt" FROM generations
    WHERE workspace_id = ${opts.workspaceId}
      ${opts.boardId ? sql`AND board_id = ${opts.boardId}` : sql``}
      ${opts.shotId ? sql`AND shot_id = ${opts.shotId}` : sql``}
      ${opts.status ? sql`AND status = ${opts.status}` : sql``}
      ${opts.after ? sql`AND (created_at, id) > (${opts.after.at}::text::timestamptz, ${opts.after.id}::uuid)` : sql``}
    ORDER BY created_at, id LIMIT ${opts.limit + 1}`
}

export async function listBoardsPage(sql: Sql, opts: TPageOptions & { workspaceId: string }): Promise<(TBoardRow & TPaged & { createdAt: Date })[]> {
  return sql<(TBoardRow & TPaged & { createdAt: Date })[]>`
    SELECT id, workspace_id AS "workspaceId", name, updated_at AS "updatedAt", created_at AS "createdAt", created_at::text AS "pageAt" FROM boards
    WHERE workspace_id = ${opts.workspaceId}
      ${opts.after ? sql`AND (created_at, id) > (${opts.after.at}::text::timestamptz, ${opts.after.id}::uuid)` : sql``}
    ORDER BY created_at, id LIMIT ${opts.limit + 1}`
}

export async function listAssetsPage(sql: Sql, opts: TPageOptions & { workspaceId: string }): Promise<(TAssetViewRow & TPaged)[]> {
  return sql<(TAssetViewRow & TPaged)[]>`
    SELECT ${sql.unsafe(ASSET_VIEW_COLUMNS)}, created_at::text AS "pageAt" FROM assets
    WHERE workspace_id = ${opts.workspaceId}
      ${opts.after ? sql`AND (created_at, id) > (${opts.after.at}::text::timestamptz, ${opts.after.id}::uuid)` : sql``}
    ORDER BY created_at, id LIMIT ${opts.limit + 1}`
}

const after = (sql: Sql, opts: TPageOptions, table: string) =>
  opts.after ? sql`AND (${sql(table)}.created_at, ${sql(table)}.id) > (${opts.after.at}::text::timestamptz, ${opts.after.id}::uuid)` : sql``

/** A board's comments (replies and guests' included), of one variation when `variationId` says so. */
export async function listCommentsPage(sql: Sql, opts: TPageOptions & { boardId: string; variationId?: string }): Promise<(TComment & TPaged)[]> {
  const rows = await sql<(CommentDbRow & TPaged)[]>`
    SELECT ${sql.unsafe(COMMENT_COLUMNS)}, created_at::text AS "pageAt" FROM comments
    WHERE board_id = ${opts.boardId}
      ${opts.variationId ? sql`AND variation_id = ${opts.variationId}` : sql``}
      ${after(sql, opts, 'comments')}
    ORDER BY created_at, id LIMIT ${opts.limit + 1}`
  return rows.map((r) => ({ ...toComment(r), pageAt: r.pageAt }))
}

/** A board's review decisions (every one kept: the latest of a variation stands), of one variation when asked. */
export async function listReviewDecisionsPage(sql: Sql, opts: TPageOptions & { boardId: string; variationId?: string }): Promise<(TReviewDecision & TPaged)[]> {
  const rows = await sql<(ReviewDecisionDbRow & TPaged)[]>`
    SELECT d.id, d.variation_id, d.decision, d.decided_by, d.note, d.created_at, u.name AS by_name, d.created_at::text AS "pageAt"
    FROM review_decisions d JOIN users u ON u.id = d.decided_by
    WHERE d.board_id = ${opts.boardId}
      ${opts.variationId ? sql`AND d.variation_id = ${opts.variationId}` : sql``}
      ${after(sql, opts, 'd')}
    ORDER BY d.created_at, d.id LIMIT ${opts.limit + 1}`
  return rows.map((r) => ({ ...toReviewDecision(r), pageAt: r.pageAt }))
}

/** A workspace's library references with their views in order, oldest first. */
export async function listLibraryReferencesPage(sql: Sql, opts: TPageOptions & { workspaceId: string }): Promise<(TLibraryReference & TPaged)[]> {
  return sql<(TLibraryReference & TPaged)[]>`
    SELECT r.id, r.tag, r.kind, r.name, r.created_at::text AS "pageAt",
      COALESCE(json_agg(json_build_object('assetId', a.id, 'sha256', a.sha256, 'posterSha256', a.poster_sha256, 'mimeType', a.mime_type)
        ORDER BY v.position) FILTER (WHERE a.id IS NOT NULL), '[]') AS views
    FROM library_references r
    LEFT JOIN reference_views v ON v.reference_id = r.id
    LEFT JOIN assets a ON a.id = v.asset_id
    WHERE r.workspace_id = ${opts.workspaceId}
      ${after(sql, opts, 'r')}
    GROUP BY r.id
    ORDER BY r.created_at, r.id LIMIT ${opts.limit + 1}`
}

/** The workspace's assets among `sha256s` (what a board's cards show), oldest first. */
export async function listAssetsBySha256Page(sql: Sql, opts: TPageOptions & { workspaceId: string; sha256s: string[] }): Promise<(TAssetViewRow & TPaged)[]> {
  if (opts.sha256s.length === 0) return []
  return sql<(TAssetViewRow & TPaged)[]>`
    SELECT ${sql.unsafe(ASSET_VIEW_COLUMNS)}, created_at::text AS "pageAt" FROM assets
    WHERE workspace_id = ${opts.workspaceId} AND sha256 = ANY(${sql.array(opts.sha256s)}::text[])
      ${after(sql, opts, 'assets')}
    ORDER BY created_at, id LIMIT ${opts.limit + 1}`
}
