import type { Sql } from './client'

export async function getWorkspace(sql: Sql, workspaceId: string): Promise<{ id: string; name: string; createdAt: Date } | null> {
  const [row] = await sql<{ id: string; name: string; createdAt: Date }[]>`
    SELECT id, name, created_at AS "createdAt" FROM workspaces WHERE id = ${workspaceId}`
  return row ?? null
}
