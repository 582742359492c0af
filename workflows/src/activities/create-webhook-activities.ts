import { ApplicationFailure, Context } from '@temporalio/activity'
import type { Client } from '@temporalio/client'
import { WEBHOOK_RESPONSE_KEEP_BYTES, WEBHOOK_TIMEOUT_MS, type TWebhookDeliveryStatus, type TWebhookEvent, type TWebhookRetry } from '@montage/core'
import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_SIGNATURE_HEADER, signWebhook, webhookUrlProblem } from '@montage/core/webhooks'
import { finishWebhookDelivery, getWebhookDeliveryTarget, recordWebhookAttempt, recordWebhookEvent, type Sql } from '@montage/db'
import { startWebhookDeliveries } from '../client/start-webhook-deliveries'

export interface WebhookActivityDeps {
  db: Sql
  /** Starts the delivery workflows of an event recorded by an activity. */
  client: Client
  taskQueuePrefix: string
  retry: TWebhookRetry
  /** MONTAGE_WEBHOOKS_ALLOW_PRIVATE: loopback and private targets are allowed (dev stack, tests). */
  allowPrivate: boolean
}

/** Reads at most `limit` bytes of an answer, then lets the rest go. */
async function readHead(res: Response, limit: number): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < limit) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

/** Webhook deliveries: record an event's deliveries and start them; send one; give one up. */
export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db } = deps
  return {
    /** Records the event's deliveries and starts their workflows; repeats record and start nothing new. */
    async emitWebhookEvent(event: TWebhookEvent): Promise<void> {
      const deliveryIds = await recordWebhookEvent(db, event)
      await startWebhookDeliveries({ client: deps.client, db, taskQueuePrefix: deps.taskQueuePrefix, deliveryIds, retry: deps.retry })
    },

    /**
     * One POST of a delivery, signed at the moment it is sent. Every try is recorded (status, the
     * answer's first 2 KB, duration, error); a 2xx marks it delivered, anything else throws so
     * Temporal retries it. A delivery already ended, or whose endpoint is paused, is not sent.
     */
    async sendWebhookDelivery(deliveryId: string): Promise<TWebhookDeliveryStatus | 'gone'> {
      const target = await getWebhookDeliveryTarget(db, deliveryId)
      if (!target) return 'gone'
      if (target.status !== 'pending') return target.status
      if (target.paused) {
        await finishWebhookDelivery(db, { deliveryId, status: 'skipped' })
        return 'skipped'
      }
      const attempt = Context.current().info.attempt
      const startedAt = new Date()
      const problem = await webhookUrlProblem(target.url, { allowPrivate: deps.allowPrivate })
      if (problem) {
        await recordWebhookAttempt(db, { deliveryId, attempt, startedAt, durationMs: 0, statusCode: null, responseBody: null, error: problem })
        throw ApplicationFailure.nonRetryable(problem, 'WEBHOOK_URL_REFUSED')
      }
      const body = JSON.stringify(target.payload)
      const started = performance.now()
      let statusCode: number | null = null
      let responseBody: string | null = null
      let error: string | null = null
      try {
        const res = await fetch(target.url, {
          method: 'POST',
          body,
          // A redirect is an answer, not a new target to follow.
          redirect: 'manual',
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Montage-Webhooks/1',
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook({ secret: target.secret, body, timestamp: Math.floor(startedAt.getTime() / 1000) }),
            [WEBHOOK_EVENT_HEADER]: target.eventType,
            [WEBHOOK_DELIVERY_HEADER]: deliveryId,
          },
        })
        statusCode = res.status
        responseBody = await readHead(res, WEBHOOK_RESPONSE_KEEP_BYTES)
      } catch (e) {
        const err = e as Error
        error = err.name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
      }
      await recordWebhookAttempt(db, { deliveryId, attempt, startedAt, durationMs: Math.round(performance.now() - started), statusCode, responseBody, error })
      if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
        await finishWebhookDelivery(db, { deliveryId, status: 'delivered' })
        return 'delivered'
      }
      throw ApplicationFailure.retryable(error ?? `the endpoint answered ${statusCode}`, 'WEBHOOK_NOT_ACCEPTED')
    },

    async failWebhookDelivery(deliveryId: string): Promise<void> {
      await finishWebhookDelivery(db, { deliveryId, status: 'failed' })
    },
  }
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>
