import type { Sql } from './client'

export interface TAssetRow {
  id: string
  workspaceId: string
  sha256: string
  mimeType: string
  byteSize: number
  width: number | null
  height: number | null
  durationMs: number | null
}

const COLUMNS = 'id, workspace_id AS "workspaceId", sha256, mime_type AS "mimeType", byte_size AS "byteSize", width, height, duration_ms AS "durationMs"'

/** Records an asset; the same bytes in the same workspace are one row. */
export async function recordAsset(
  sql: Sql,
  opts: Omit<TAssetRow, 'id' | 'width' | 'height' | 'durationMs'> & { width?: number; height?: number; durationMs?: number; createdBy?: string },
): Promise<TAssetRow> {
  const [row] = await sql<TAssetRow[]>`
    INSERT INTO assets (workspace_id, sha256, mime_type, byte_size, width, height, duration_ms, created_by)
    VALUES (${opts.workspaceId}, ${opts.sha256}, ${opts.mimeType}, ${opts.byteSize}, ${opts.width ?? null},
            ${opts.height ?? null}, ${opts.durationMs ?? null}, ${opts.createdBy ?? null})
    ON CONFLICT (workspace_id, sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
    RETURNING ${sql.unsafe(COLUMNS)}`
  return row!
}

export async function getAsset(sql: Sql, opts: { workspaceId: string; sha256: string }): Promise<TAssetRow | null> {
  const [row] = await sql<TAssetRow[]>`
    SELECT ${sql.unsafe(COLUMNS)} FROM assets WHERE workspace_id = ${opts.workspaceId} AND sha256 = ${opts.sha256}`
  return row ?? null
}
