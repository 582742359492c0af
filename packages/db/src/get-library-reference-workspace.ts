import type { Sql } from './client'

/** The workspace a library reference belongs to, or null when there is no such reference. */
export async function getLibraryReferenceWorkspace(sql: Sql, referenceId: string): Promise<string | null> {
  const [row] = await sql<{ workspaceId: string }[]>`SELECT workspace_id AS "workspaceId" FROM library_references WHERE id = ${referenceId}`
  return row?.workspaceId ?? null
}
