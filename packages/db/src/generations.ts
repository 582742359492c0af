import type { TGenerationStatus } from '@montage/core'
import type { Sql } from './client'

export interface TGenerationRow {
  id: string
  workspaceId: string
  boardId: string
  shotId: string
  variationId: string
  model: string
  params: Record<string, unknown>
  status: TGenerationStatus
  credits: number
  outputAsset: string | null
  posterAsset: string | null
  error: string | null
  /** The output's type, length and renditions (null for rows finished before migration 0009). */
  outputMimeType: string | null
  outputDurationSeconds: number | null
  stripAsset: string | null
  stripFrames: number | null
  proxyAsset: string | null
  /**
   * What the generation was started with, as the starter stored it (JSON its starter parses; null
   * for rows stored before migration 0010). Retry reads it back.
   */
  request: unknown
  /** An edit's source: the bytes it read (its parent's output, an upload, a library reference); null otherwise. */
  sourceAssetSha256: string | null
  workflowId: string
  createdBy: string
  createdAt: Date
  finishedAt: Date | null
  /** A job above the approval threshold: 'awaiting' a decision, then 'approved' or 'refused' (by `approvalBy`); null otherwise. */
  approval: 'awaiting' | 'approved' | 'refused' | null
  approvalBy: string | null
}

export const GENERATION_COLUMNS = `id, workspace_id AS "workspaceId", board_id AS "boardId", shot_id AS "shotId", variation_id AS "variationId",
  model, params, status, credits, output_asset AS "outputAsset", poster_asset AS "posterAsset", error,
  output_mime_type AS "outputMimeType", output_duration_seconds AS "outputDurationSeconds",
  strip_asset AS "stripAsset", strip_frames AS "stripFrames", proxy_asset AS "proxyAsset", request,
  source_asset_sha256 AS "sourceAssetSha256", workflow_id AS "workflowId", created_by AS "createdBy", created_at AS "createdAt", finished_at AS "finishedAt",
  approval, approval_by AS "approvalBy"`

/** What a new row is stored with (the rest starts empty, queued); `request` is what Retry reads back. */
export type CreateGenerationOptions = Pick<TGenerationRow, 'id' | 'workspaceId' | 'boardId' | 'shotId' | 'variationId' | 'model' | 'params' | 'credits' | 'workflowId' | 'createdBy'> & {
  request?: unknown
}

/**
 * Inserts the generation row without reserving its credits (the workflow's reservation then
 * holds them); a second call with the same id returns the existing row. The web stores the rows it
 * starts with `createReservedGenerations`, which reserves with the row.
 */
export async function createGeneration(sql: Sql, opts: CreateGenerationOptions): Promise<TGenerationRow> {
  const [row] = await sql<TGenerationRow[]>`
    INSERT INTO generations (id, workspace_id, board_id, shot_id, variation_id, model, params, credits, workflow_id, created_by, request)
    VALUES (${opts.id}, ${opts.workspaceId}, ${opts.boardId}, ${opts.shotId}, ${opts.variationId}, ${opts.model},
            ${sql.json(opts.params as never)}, ${opts.credits}, ${opts.workflowId}, ${opts.createdBy},
            ${opts.request === undefined ? null : sql.json(opts.request as never)})
    ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id
    RETURNING ${sql.unsafe(GENERATION_COLUMNS)}`
  return row!
}

export async function getGeneration(sql: Sql, id: string): Promise<TGenerationRow | null> {
  const [row] = await sql<TGenerationRow[]>`SELECT ${sql.unsafe(GENERATION_COLUMNS)} FROM generations WHERE id = ${id}`
  return row ?? null
}

export async function listBoardGenerations(sql: Sql, boardId: string): Promise<TGenerationRow[]> {
  return sql<TGenerationRow[]>`SELECT ${sql.unsafe(GENERATION_COLUMNS)} FROM generations WHERE board_id = ${boardId} ORDER BY created_at`
}

export interface FinishGenerationOptions {
  id: string
  status: Extract<TGenerationStatus, 'succeeded' | 'failed' | 'cancelled'>
  outputAsset?: string
  posterAsset?: string
  outputMimeType?: string
  outputDurationSeconds?: number
  stripAsset?: string
  stripFrames?: number
  proxyAsset?: string
  error?: string
}

/** Moves a generation to a final state once; later calls leave the first outcome in place. */
/** Finishes the row once; `moved` says whether this call finished it (false: it already was). */
export async function finishGeneration(sql: Sql, opts: FinishGenerationOptions): Promise<TGenerationRow & { moved: boolean }> {
  const [row] = await sql<TGenerationRow[]>`
    UPDATE generations SET status = ${opts.status}, output_asset = ${opts.outputAsset ?? null},
      poster_asset = ${opts.posterAsset ?? null}, output_mime_type = ${opts.outputMimeType ?? null},
      output_duration_seconds = ${opts.outputDurationSeconds ?? null}, strip_asset = ${opts.stripAsset ?? null},
      strip_frames = ${opts.stripFrames ?? null}, proxy_asset = ${opts.proxyAsset ?? null},
      error = ${opts.error ?? null}, finished_at = now()
    WHERE id = ${opts.id} AND finished_at IS NULL
    RETURNING ${sql.unsafe(GENERATION_COLUMNS)}`
  return row ? { ...row, moved: true } : { ...(await getGeneration(sql, opts.id))!, moved: false }
}

/** Moves a queued row to running; true when this call moved it (a retry's second call finds it running). */
export async function markGenerationRunning(sql: Sql, id: string): Promise<boolean> {
  const result = await sql`UPDATE generations SET status = 'running' WHERE id = ${id} AND status = 'queued'`
  return result.count > 0
}
