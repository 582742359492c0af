import type { TWebhookDeliveryStatus } from '@montage/core'
import type { Sql } from './client'

/** What the sender needs of a delivery: where, with which secret, what, and where it stands. */
export interface TWebhookDeliveryTarget {
  id: string
  eventType: string
  payload: unknown
  status: TWebhookDeliveryStatus
  url: string
  secret: string
  paused: boolean
}

/** null when the delivery is gone (its endpoint was deleted). */
export async function getWebhookDeliveryTarget(sql: Sql, deliveryId: string): Promise<TWebhookDeliveryTarget | null> {
  const [row] = await sql<TWebhookDeliveryTarget[]>`
    SELECT d.id, d.event_type AS "eventType", d.payload, d.status, e.url, e.secret, e.paused_at IS NOT NULL AS paused
    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ${deliveryId}`
  return row ?? null
}

export interface RecordWebhookAttemptOptions {
  deliveryId: string
  attempt: number
  startedAt: Date
  durationMs: number
  statusCode: number | null
  responseBody: string | null
  error: string | null
}

/** One POST and its answer; a repeat of the same attempt number (an activity retried after recording) keeps the first. */
export async function recordWebhookAttempt(sql: Sql, o: RecordWebhookAttemptOptions): Promise<void> {
  await sql`
    INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, response_body, error)
    VALUES (${o.deliveryId}, ${o.attempt}, ${o.startedAt}, ${o.durationMs}, ${o.statusCode}, ${o.responseBody}, ${o.error})
    ON CONFLICT (delivery_id, attempt) DO NOTHING`
}

/** Moves a pending delivery to its end state once; false when it had already ended. */
export async function finishWebhookDelivery(sql: Sql, opts: { deliveryId: string; status: Exclude<TWebhookDeliveryStatus, 'pending'> }): Promise<boolean> {
  const result = await sql`
    UPDATE webhook_deliveries SET status = ${opts.status}, finished_at = now() WHERE id = ${opts.deliveryId} AND status = 'pending'`
  return result.count > 0
}

/** Notes that these deliveries' workflows are started, so the sweep leaves them alone. */
export async function markWebhookDeliveriesStarted(sql: Sql, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return
  await sql`UPDATE webhook_deliveries SET started_at = now() WHERE id = ANY (${sql.array(deliveryIds)}::uuid[]) AND started_at IS NULL`
}

/** Pending deliveries recorded over `olderThanMs` ago whose workflow was never started, oldest first. */
export async function listUnstartedWebhookDeliveries(sql: Sql, opts: { olderThanMs: number; limit?: number }): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM webhook_deliveries
    WHERE status = 'pending' AND started_at IS NULL AND created_at < now() - make_interval(secs => ${opts.olderThanMs / 1000})
    ORDER BY created_at LIMIT ${opts.limit ?? 100}`
  return rows.map((r) => r.id)
}
