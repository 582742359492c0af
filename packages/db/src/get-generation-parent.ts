import type { Sql } from './client'

/** The generation an edit was made from; null for a generation from its shot (or an unknown id). */
export async function getGenerationParent(sql: Sql, generationId: string): Promise<string | null> {
  const [row] = await sql<{ parent: string | null }[]>`SELECT parent_generation_id AS parent FROM generations WHERE id = ${generationId}`
  return row?.parent ?? null
}
