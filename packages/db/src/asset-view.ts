import type { TAssetIngestState } from '@montage/core'
import type { TAssetRow } from './assets'

/** An asset row with its renditions: what the API shows (`TAssetView` in @montage/core). */
export interface TAssetViewRow extends TAssetRow {
  ingest: TAssetIngestState
  ingestError: string | null
  posterSha256: string | null
  stripSha256: string | null
  stripFrames: number | null
  proxySha256: string | null
}

/** The SELECT list of TAssetViewRow (byte_size comes back as a string from bigint; cast it). */
export const ASSET_VIEW_COLUMNS = `id, workspace_id AS "workspaceId", sha256, mime_type AS "mimeType", byte_size::float8 AS "byteSize",
  width, height, duration_ms AS "durationMs", ingest, ingest_error AS "ingestError", poster_sha256 AS "posterSha256",
  strip_sha256 AS "stripSha256", strip_frames AS "stripFrames", proxy_sha256 AS "proxySha256"`
