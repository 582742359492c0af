import type { TLibraryReference } from '@montage/core'
import type { Sql } from './client'

/** Library references of a workspace with their views in order; all of them, or those with the given ids or tags. */
export async function listLibraryReferences(
  sql: Sql,
  opts: { workspaceId: string; ids?: string[]; tags?: string[] },
): Promise<TLibraryReference[]> {
  const rows = await sql<TLibraryReference[]>`
    SELECT r.id, r.tag, r.kind, r.name,
      COALESCE(json_agg(json_build_object('assetId', a.id, 'sha256', a.sha256, 'posterSha256', a.poster_sha256, 'mimeType', a.mime_type)
        ORDER BY v.position) FILTER (WHERE a.id IS NOT NULL), '[]') AS views
    FROM library_references r
    LEFT JOIN reference_views v ON v.reference_id = r.id
    LEFT JOIN assets a ON a.id = v.asset_id
    WHERE r.workspace_id = ${opts.workspaceId}
      ${opts.ids ? sql`AND r.id = ANY(${opts.ids}::uuid[])` : sql``}
      ${opts.tags ? sql`AND r.tag = ANY(${opts.tags}::text[])` : sql``}
    GROUP BY r.id
    ORDER BY r.tag`
  return rows
}
