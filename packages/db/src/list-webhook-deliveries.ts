import type { TWebhookDelivery } from '@montage/core'
import type { Sql } from './client'
import { WEBHOOK_DELIVERY_SELECT, toWebhookDelivery, type WebhookDeliveryDbRow } from './webhook-rows'

/** An endpoint's latest deliveries (newest first) with every attempt; empty for an endpoint not of the workspace. */
export async function listWebhookDeliveries(sql: Sql, opts: { workspaceId: string; endpointId: string; limit?: number }): Promise<TWebhookDelivery[]> {
  const rows = await sql<WebhookDeliveryDbRow[]>`
    SELECT ${sql.unsafe(WEBHOOK_DELIVERY_SELECT)} FROM webhook_deliveries d
    WHERE d.endpoint_id = ${opts.endpointId} AND d.workspace_id = ${opts.workspaceId}
    ORDER BY d.created_at DESC, d.id LIMIT ${opts.limit ?? 50}`
  return rows.map(toWebhookDelivery)
}
