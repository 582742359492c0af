import type { Sql } from './client'

/** Which of these sha256s are assets of the workspace. */
export async function filterWorkspaceAssets(sql: Sql, opts: { workspaceId: string; sha256s: string[] }): Promise<Set<string>> {
  const rows = await sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${opts.workspaceId} AND sha256 = ANY(${opts.sha256s}::text[])`
  return new Set(rows.map((r) => r.sha256))
}
