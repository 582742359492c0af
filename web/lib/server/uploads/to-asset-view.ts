import type { TAssetView } from '@montage/core'
import type { TAssetViewRow } from '@montage/db'

/** The API's view of an asset row (no workspace id: the caller already knows it). */
export function toAssetView(row: TAssetViewRow): TAssetView {
  return {
    id: row.id,
    sha256: row.sha256,
    mimeType: row.mimeType,
    byteSize: Number(row.byteSize),
    width: row.width,
    height: row.height,
    durationMs: row.durationMs,
    ingest: row.ingest,
    posterSha256: row.posterSha256,
    stripSha256: row.stripSha256,
    stripFrames: row.stripFrames,
    proxySha256: row.proxySha256,
    ingestError: row.ingestError,
  }
}
