import type { Sql } from './client'

/** A finished generation with everything its variation's final state is made of. */
export interface TFinishedGeneration {
  id: string
  variationId: string
  shotId: string
  status: 'succeeded' | 'failed' | 'cancelled'
  outputAsset: string | null
  posterAsset: string | null
  /** From the row, or for rows finished before migration 0009 from the output's asset row. */
  mimeType: string | null
  durationSeconds: number | null
  stripAsset: string | null
  stripFrames: number | null
  proxyAsset: string | null
  error: string | null
}

export interface ListFinishedGenerationsOptions {
  boardId: string
  /** The variations to look up (those the board still shows as queued or running). */
  variationIds: string[]
}

/** The finished generations of some variations of a board (the reconciliation's question). */
export async function listFinishedGenerations(sql: Sql, opts: ListFinishedGenerationsOptions): Promise<TFinishedGeneration[]> {
  if (opts.variationIds.length === 0) return []
  return sql<TFinishedGeneration[]>`
    SELECT g.id, g.variation_id AS "variationId", g.shot_id AS "shotId", g.status,
      g.output_asset AS "outputAsset", g.poster_asset AS "posterAsset",
      COALESCE(g.output_mime_type, a.mime_type) AS "mimeType",
      COALESCE(g.output_duration_seconds, a.duration_ms / 1000.0)::double precision AS "durationSeconds",
      g.strip_asset AS "stripAsset", g.strip_frames AS "stripFrames", g.proxy_asset AS "proxyAsset", g.error
    FROM generations g LEFT JOIN assets a ON a.workspace_id = g.workspace_id AND a.sha256 = g.output_asset
    WHERE g.board_id = ${opts.boardId} AND g.variation_id = ANY(${opts.variationIds}) AND g.finished_at IS NOT NULL`
}
