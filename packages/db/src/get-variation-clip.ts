import type { Sql } from './client'

export interface TVariationClip {
  generationId: string
  status: string
  outputAsset: string | null
  posterAsset: string | null
  /** Who started the generation. */
  createdBy: string
  /** The clip's length from its asset; null while the generation has no output. */
  durationSeconds: number | null
}

/** What the database knows of a variation of a board: its generation and output asset. */
export async function getVariationClip(sql: Sql, opts: { boardId: string; variationId: string }): Promise<TVariationClip | null> {
  const [row] = await sql<(Omit<TVariationClip, 'durationSeconds'> & { durationMs: number | null })[]>`
    SELECT g.id AS "generationId", g.status, g.output_asset AS "outputAsset", g.poster_asset AS "posterAsset", g.created_by AS "createdBy", a.duration_ms AS "durationMs"
    FROM generations g LEFT JOIN assets a ON a.workspace_id = g.workspace_id AND a.sha256 = g.output_asset
    WHERE g.board_id = ${opts.boardId} AND g.variation_id = ${opts.variationId}`
  if (!row) return null
  const { durationMs, ...rest } = row
  return { ...rest, durationSeconds: durationMs === null ? null : durationMs / 1000 }
}
