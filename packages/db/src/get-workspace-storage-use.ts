import type { Sql } from './client'

/** Bytes a workspace stores: every asset row of it (uploads, generated outputs and their renditions). */
export async function getWorkspaceStorageUse(sql: Sql, workspaceId: string): Promise<number> {
  const [row] = await sql<{ bytes: number }[]>`
    SELECT COALESCE(SUM(byte_size), 0)::bigint AS bytes FROM assets WHERE workspace_id = ${workspaceId}`
  return Number(row!.bytes)
}
