import type { Sql } from './client'

/**
 * A new pending delivery of the same payload to the same endpoint, naming the one it repeats;
 * null when the workspace has no such delivery. The endpoint's pause is checked when it is sent.
 */
export async function replayWebhookDelivery(sql: Sql, opts: { workspaceId: string; deliveryId: string }): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO webhook_deliveries (endpoint_id, workspace_id, event_type, event_id, payload, replay_of)
    SELECT endpoint_id, workspace_id, event_type, event_id, payload, id FROM webhook_deliveries
    WHERE id = ${opts.deliveryId} AND workspace_id = ${opts.workspaceId}
    RETURNING id`
  return row?.id ?? null
}
