import type { Sql } from './client'

/** Deletes an endpoint with its deliveries and attempts; false when the workspace has no such endpoint. */
export async function deleteWebhookEndpoint(sql: Sql, opts: { workspaceId: string; endpointId: string }): Promise<boolean> {
  const result = await sql`DELETE FROM webhook_endpoints WHERE id = ${opts.endpointId} AND workspace_id = ${opts.workspaceId}`
  return result.count > 0
}
