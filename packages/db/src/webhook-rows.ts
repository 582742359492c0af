import type { TWebhookAttempt, TWebhookDelivery, TWebhookDeliveryStatus, TWebhookEndpoint, TWebhookEventType } from '@montage/core'

export const WEBHOOK_ENDPOINT_COLUMNS = `id, workspace_id, url, description, events, paused_at, created_at`

export interface WebhookEndpointDbRow {
  id: string
  workspace_id: string
  url: string
  description: string | null
  events: TWebhookEventType[]
  paused_at: Date | null
  created_at: Date
}

export function toWebhookEndpoint(r: WebhookEndpointDbRow): TWebhookEndpoint {
  return { id: r.id, workspaceId: r.workspace_id, url: r.url, description: r.description, events: r.events, paused: r.paused_at !== null, createdAt: r.created_at.toISOString() }
}

export interface WebhookDeliveryDbRow {
  id: string
  endpoint_id: string
  event_type: TWebhookEventType
  event_id: string
  status: TWebhookDeliveryStatus
  replay_of: string | null
  created_at: Date
  finished_at: Date | null
  attempts: { attempt: number; started_at: string; duration_ms: number; status_code: number | null; response_body: string | null; error: string | null }[]
}

export function toWebhookDelivery(r: WebhookDeliveryDbRow): TWebhookDelivery {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventType: r.event_type,
    eventId: r.event_id,
    status: r.status,
    replayOf: r.replay_of,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    attempts: r.attempts.map(
      (a): TWebhookAttempt => ({ attempt: a.attempt, startedAt: new Date(a.started_at).toISOString(), durationMs: a.duration_ms, statusCode: a.status_code, responseBody: a.response_body, error: a.error }),
    ),
  }
}

/** A delivery with its attempts, oldest attempt first (`d` is the webhook_deliveries alias). */
export const WEBHOOK_DELIVERY_SELECT = `d.id, d.endpoint_id, d.event_type, d.event_id, d.status, d.replay_of, d.created_at, d.finished_at,
  COALESCE((SELECT json_agg(json_build_object('attempt', a.attempt, 'started_at', a.started_at, 'duration_ms', a.duration_ms,
    'status_code', a.status_code, 'response_body', a.response_body, 'error', a.error) ORDER BY a.attempt)
    FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::json) AS attempts`
