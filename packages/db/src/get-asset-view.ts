import type { Sql } from './client'
import { ASSET_VIEW_COLUMNS, type TAssetViewRow } from './asset-view'

/** One asset with its renditions, by id, or by workspace and sha256. */
export async function getAssetView(sql: Sql, by: { id: string } | { workspaceId: string; sha256: string }): Promise<TAssetViewRow | null> {
  const [row] =
    'id' in by
      ? await sql<TAssetViewRow[]>`SELECT ${sql.unsafe(ASSET_VIEW_COLUMNS)} FROM assets WHERE id = ${by.id}`
      : await sql<TAssetViewRow[]>`SELECT ${sql.unsafe(ASSET_VIEW_COLUMNS)} FROM assets WHERE workspace_id = ${by.workspaceId} AND sha256 = ${by.sha256}`
  return row ?? null
}
