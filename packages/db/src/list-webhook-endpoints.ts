import type { TWebhookEndpoint } from '@montage/core'
import type { Sql } from './client'
import { WEBHOOK_ENDPOINT_COLUMNS, toWebhookEndpoint, type WebhookEndpointDbRow } from './webhook-rows'

/** A workspace's endpoints, oldest first, without their secrets. */
export async function listWebhookEndpoints(sql: Sql, workspaceId: string): Promise<TWebhookEndpoint[]> {
  const rows = await sql<WebhookEndpointDbRow[]>`
    SELECT ${sql.unsafe(WEBHOOK_ENDPOINT_COLUMNS)} FROM webhook_endpoints WHERE workspace_id = ${workspaceId} ORDER BY created_at, id`
  return rows.map(toWebhookEndpoint)
}
