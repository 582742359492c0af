import { AppError, AppErrorCode, formatBytes } from '@montage/core'
import type { Sql } from './client'
import { ASSET_VIEW_COLUMNS, type TAssetViewRow } from './asset-view'

export interface InsertUploadedAssetOptions {
  workspaceId: string
  sha256: string
  mimeType: string
  byteSize: number
  /** Null for a sound. */
  width: number | null
  height: number | null
  durationMs: number | null
  /** 'pending' when renditions are still to be made. */
  ingest: 'pending' | 'ready'
  createdBy: string
  /**
   * The workspace's storage quota: new bytes that would take it past this are refused
   * (QUOTA_EXCEEDED, nothing inserted). Bytes the workspace already holds are never refused.
   */
  maxWorkspaceBytes?: number
  /**
   * Runs once the row is sure to be created (the quota has room, the bytes are new to the
   * workspace), under the workspace's storage lock: where the caller moves the bytes into the store.
   */
  beforeInsert?: () => Promise<void>
}

/**
 * Records an upload; the same bytes in the same workspace are one row (UNIQUE workspace+sha256).
 * `created` is false when the row already existed: the caller then starts no second ingest.
 * Uploads of one workspace are serialised while the quota is checked, so two at once cannot both
 * fit into the last free bytes.
 */
export async function insertUploadedAsset(sql: Sql, opts: InsertUploadedAssetOptions): Promise<{ asset: TAssetViewRow; created: boolean }> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`workspace-storage:${opts.workspaceId}`}, 0))`
    const [existing] = await tx<TAssetViewRow[]>`
      SELECT ${tx.unsafe(ASSET_VIEW_COLUMNS)} FROM assets WHERE workspace_id = ${opts.workspaceId} AND sha256 = ${opts.sha256}`
    if (existing) return { asset: existing, created: false }
    if (opts.maxWorkspaceBytes !== undefined) {
      const [row] = await tx<{ bytes: number }[]>`SELECT COALESCE(SUM(byte_size), 0)::bigint AS bytes FROM assets WHERE workspace_id = ${opts.workspaceId}`
      const used = Number(row!.bytes)
      if (used + opts.byteSize > opts.maxWorkspaceBytes) {
        throw new AppError(
          AppErrorCode.QUOTA_EXCEEDED,
          `This workspace's storage is full: it holds ${formatBytes(used)} of its ${formatBytes(opts.maxWorkspaceBytes)} limit, and this file is ${formatBytes(opts.byteSize)}.`,
          { limit: 'workspaceStorageBytes' },
        )
      }
    }
    await opts.beforeInsert?.()
    const [inserted] = await tx<TAssetViewRow[]>`
      INSERT INTO assets (workspace_id, sha256, mime_type, byte_size, width, height, duration_ms, created_by, ingest)
      VALUES (${opts.workspaceId}, ${opts.sha256}, ${opts.mimeType}, ${opts.byteSize}, ${opts.width}, ${opts.height},
              ${opts.durationMs}, ${opts.createdBy}, ${opts.ingest})
      ON CONFLICT (workspace_id, sha256) DO NOTHING
      RETURNING ${tx.unsafe(ASSET_VIEW_COLUMNS)}`
    if (inserted) return { asset: inserted, created: true }
    // A generated output with the same bytes landed meanwhile (its writer takes no storage lock).
    const [raced] = await tx<TAssetViewRow[]>`
      SELECT ${tx.unsafe(ASSET_VIEW_COLUMNS)} FROM assets WHERE workspace_id = ${opts.workspaceId} AND sha256 = ${opts.sha256}`
    return { asset: raced!, created: false }
  })
}
