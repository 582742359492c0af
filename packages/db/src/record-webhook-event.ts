import type { TWebhookEvent } from '@montage/core'
import type { Queryable } from './client'

/**
 * Records one delivery of `event` per endpoint of its workspace subscribed to its type: `pending`
 * for an active endpoint, `skipped` for a paused one (kept, so it can be replayed after resuming).
 * Idempotent by the event's id: a second call records nothing new. Returns the ids of the event's
 * deliveries still pending, new or left by an earlier call that stopped before starting them.
 * Run it in the transaction that stores what the event tells of (a comment, a decision), so the
 * one is never stored without the other.
 */
export async function recordWebhookEvent(sql: Queryable, event: TWebhookEvent): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    WITH ins AS (
      INSERT INTO webhook_deliveries (endpoint_id, workspace_id, event_type, event_id, payload, status, finished_at)
      SELECT e.id, e.workspace_id, ${event.type}, ${event.id}, ${sql.json(event as never)},
             CASE WHEN e.paused_at IS NULL THEN 'pending' ELSE 'skipped' END,
             CASE WHEN e.paused_at IS NULL THEN NULL ELSE now() END
      FROM webhook_endpoints e
      WHERE e.workspace_id = ${event.workspaceId} AND ${event.type} = ANY (e.events)
      ON CONFLICT (endpoint_id, event_id) WHERE replay_of IS NULL DO NOTHING
      RETURNING id, status
    )
    SELECT id FROM ins WHERE status = 'pending'
    UNION
    SELECT id FROM webhook_deliveries WHERE workspace_id = ${event.workspaceId} AND event_id = ${event.id} AND status = 'pending'`
  return rows.map((r) => r.id)
}
