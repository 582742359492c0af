import type { Sql } from './client'
import { ASSET_VIEW_COLUMNS, type TAssetViewRow } from './asset-view'

export interface InsertUploadedAssetOptions {
  workspaceId: string
  sha256: string
  mimeType: string
  byteSize: number
  width: number
  height: number
  durationMs: number | null
  /** 'pending' when renditions are still to be made. */
  ingest: 'pending' | 'ready'
  createdBy: string
}

/**
 * Records an upload; the same bytes in the same workspace are one row (UNIQUE workspace+sha256).
 * `created` is false when the row already existed: the caller then starts no second ingest.
 */
export async function insertUploadedAsset(sql: Sql, opts: InsertUploadedAssetOptions): Promise<{ asset: TAssetViewRow; created: boolean }> {
  const [inserted] = await sql<TAssetViewRow[]>`
    INSERT INTO assets (workspace_id, sha256, mime_type, byte_size, width, height, duration_ms, created_by, ingest)
    VALUES (${opts.workspaceId}, ${opts.sha256}, ${opts.mimeType}, ${opts.byteSize}, ${opts.width}, ${opts.height},
            ${opts.durationMs}, ${opts.createdBy}, ${opts.ingest})
    ON CONFLICT (workspace_id, sha256) DO NOTHING
    RETURNING ${sql.unsafe(ASSET_VIEW_COLUMNS)}`
  if (inserted) return { asset: inserted, created: true }
  const [existing] = await sql<TAssetViewRow[]>`
    SELECT ${sql.unsafe(ASSET_VIEW_COLUMNS)} FROM assets WHERE workspace_id = ${opts.workspaceId} AND sha256 = ${opts.sha256}`
  return { asset: existing!, created: false }
}
