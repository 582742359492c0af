import type { Sql } from './client'
import { ASSET_VIEW_COLUMNS, type TAssetViewRow } from './asset-view'

export interface CompleteOutputAssetRenditionsOptions {
  assetId: string
  /** What the upload of the same bytes measured, for a row recorded without them. */
  width: number | null
  height: number | null
  durationMs: number | null
}

/**
 * An upload whose bytes a generated output already holds finds that output's asset row, which no
 * ingest ever gave a poster, strip or proxy. This gives it the output's own renditions when a
 * succeeded generation made them (`shared`, the row ready at once), or else marks it `pending` for
 * the caller to start its ingest. Null when the row needs nothing: it has its renditions, is a
 * sound, or is being (or failed to be) ingested. Two uploads at once: one of them gets the row.
 */
export async function completeOutputAssetRenditions(sql: Sql, opts: CompleteOutputAssetRenditionsOptions): Promise<{ asset: TAssetViewRow; shared: boolean } | null> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ workspaceId: string; sha256: string }[]>`
      SELECT workspace_id AS "workspaceId", sha256 FROM assets
      WHERE id = ${opts.assetId} AND ingest = 'ready' AND poster_sha256 IS NULL AND mime_type NOT LIKE 'audio/%'
      FOR UPDATE`
    if (!row) return null
    const [shared] = await tx<TAssetViewRow[]>`
      UPDATE assets SET poster_sha256 = g.poster, strip_sha256 = g.strip, strip_frames = g.frames, proxy_sha256 = g.proxy,
        width = COALESCE(width, ${opts.width}), height = COALESCE(height, ${opts.height}),
        duration_ms = COALESCE(duration_ms, ${opts.durationMs}), ingest_error = NULL
      FROM (
        SELECT poster_asset AS poster, strip_asset AS strip, strip_frames AS frames, proxy_asset AS proxy FROM generations
        WHERE workspace_id = ${row.workspaceId} AND output_asset = ${row.sha256} AND status = 'succeeded' AND poster_asset IS NOT NULL
        ORDER BY finished_at DESC LIMIT 1
      ) g
      WHERE id = ${opts.assetId}
      RETURNING ${tx.unsafe(ASSET_VIEW_COLUMNS)}`
    if (shared) return { asset: shared, shared: true }
    const [pending] = await tx<TAssetViewRow[]>`
      UPDATE assets SET ingest = 'pending', ingest_error = NULL,
        width = COALESCE(width, ${opts.width}), height = COALESCE(height, ${opts.height}), duration_ms = COALESCE(duration_ms, ${opts.durationMs})
      WHERE id = ${opts.assetId}
      RETURNING ${tx.unsafe(ASSET_VIEW_COLUMNS)}`
    return { asset: pending!, shared: false }
  })
}
