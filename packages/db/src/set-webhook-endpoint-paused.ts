import type { TWebhookEndpoint } from '@montage/core'
import type { Sql } from './client'
import { WEBHOOK_ENDPOINT_COLUMNS, toWebhookEndpoint, type WebhookEndpointDbRow } from './webhook-rows'

/** Pauses or resumes an endpoint of the workspace; null when it has no such endpoint. */
export async function setWebhookEndpointPaused(sql: Sql, opts: { workspaceId: string; endpointId: string; paused: boolean }): Promise<TWebhookEndpoint | null> {
  const [row] = await sql<WebhookEndpointDbRow[]>`
    UPDATE webhook_endpoints SET paused_at = CASE WHEN ${opts.paused} THEN COALESCE(paused_at, now()) ELSE NULL END
    WHERE id = ${opts.endpointId} AND workspace_id = ${opts.workspaceId}
    RETURNING ${sql.unsafe(WEBHOOK_ENDPOINT_COLUMNS)}`
  return row ? toWebhookEndpoint(row) : null
}
