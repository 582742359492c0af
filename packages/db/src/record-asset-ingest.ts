import type { Sql } from './client'
import { ASSET_VIEW_COLUMNS, type TAssetViewRow } from './asset-view'

export type RecordAssetIngestOptions =
  | {
      assetId: string
      ingest: 'ready'
      /** Null for a sound. */
      width: number | null
      height: number | null
      durationMs: number | null
      posterSha256: string | null
      stripSha256: string | null
      stripFrames: number | null
      proxySha256: string | null
    }
  | { assetId: string; ingest: 'failed'; error: string }

/** Stores the outcome of an asset's ingest; repeating it writes the same values. */
export async function recordAssetIngest(sql: Sql, opts: RecordAssetIngestOptions): Promise<TAssetViewRow | null> {
  const [row] =
    opts.ingest === 'ready'
      ? await sql<TAssetViewRow[]>`
          UPDATE assets SET ingest = 'ready', ingest_error = NULL, width = ${opts.width}, height = ${opts.height},
            duration_ms = ${opts.durationMs}, poster_sha256 = ${opts.posterSha256}, strip_sha256 = ${opts.stripSha256},
            strip_frames = ${opts.stripFrames}, proxy_sha256 = ${opts.proxySha256}
          WHERE id = ${opts.assetId}
          RETURNING ${sql.unsafe(ASSET_VIEW_COLUMNS)}`
      : await sql<TAssetViewRow[]>`
          UPDATE assets SET ingest = 'failed', ingest_error = ${opts.error.slice(0, 500)}
          WHERE id = ${opts.assetId}
          RETURNING ${sql.unsafe(ASSET_VIEW_COLUMNS)}`
  return row ?? null
}
