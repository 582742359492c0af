import type { TWebhookEndpoint, TWebhookEventType } from '@montage/core'
import { newWebhookSecret } from '@montage/core/webhooks'
import type { Sql } from './client'
import { WEBHOOK_ENDPOINT_COLUMNS, toWebhookEndpoint, type WebhookEndpointDbRow } from './webhook-rows'

export interface CreateWebhookEndpointOptions {
  workspaceId: string
  url: string
  description?: string | null
  events: TWebhookEventType[]
  createdBy: string
}

/** Stores an endpoint with a new signing secret, returned here; listings never show it again. */
export async function createWebhookEndpoint(sql: Sql, opts: CreateWebhookEndpointOptions): Promise<{ endpoint: TWebhookEndpoint; secret: string }> {
  const secret = newWebhookSecret()
  const [row] = await sql<WebhookEndpointDbRow[]>`
    INSERT INTO webhook_endpoints (workspace_id, url, description, events, secret, created_by)
    VALUES (${opts.workspaceId}, ${opts.url}, ${opts.description ?? null}, ${sql.array([...new Set(opts.events)])}, ${secret}, ${opts.createdBy})
    RETURNING ${sql.unsafe(WEBHOOK_ENDPOINT_COLUMNS)}`
  return { endpoint: toWebhookEndpoint(row!), secret }
}
