import { z } from 'zod'
import { ZEnvFlag } from './env'

/** What a workspace may subscribe an endpoint to. */
export const WEBHOOK_EVENT_TYPES = ['generation.succeeded', 'generation.failed', 'comment.created', 'decision.recorded', 'sequence.rendered'] as const
export const ZWebhookEventType = z.enum(WEBHOOK_EVENT_TYPES)
export type TWebhookEventType = z.infer<typeof ZWebhookEventType>

const ZGenerationRef = {
  generationId: z.string().uuid(),
  boardId: z.string().uuid(),
  shotId: z.string(),
  variationId: z.string(),
  model: z.string(),
}

/** The `data` of each event kind: ids a receiver can fetch more with, and the facts of the event. */
export const ZWebhookEventData = {
  'generation.succeeded': z.object({ ...ZGenerationRef, outputSha256: z.string(), posterSha256: z.string(), mimeType: z.string(), durationSeconds: z.number() }),
  'generation.failed': z.object({ ...ZGenerationRef, error: z.string() }),
  'sequence.rendered': z.object({ ...ZGenerationRef, outputSha256: z.string(), posterSha256: z.string(), durationSeconds: z.number(), proresSha256: z.string().nullable() }),
  'comment.created': z.object({
    commentId: z.string().uuid(),
    boardId: z.string().uuid(),
    variationId: z.string(),
    parentId: z.string().uuid().nullable(),
    author: z.object({ id: z.string().uuid().nullable(), name: z.string(), guest: z.boolean() }),
    body: z.string(),
    timeSeconds: z.number().nullable(),
  }),
  'decision.recorded': z.object({
    decisionId: z.string().uuid(),
    boardId: z.string().uuid(),
    variationId: z.string(),
    decision: z.enum(['approved', 'changes_requested']),
    note: z.string().nullable(),
    by: z.object({ id: z.string().uuid(), name: z.string() }),
  }),
} satisfies Record<TWebhookEventType, z.ZodType>

const eventOf = <T extends TWebhookEventType>(type: T) =>
  z.object({
    /** The event's id: the same in every delivery and replay of it, so a receiver can drop repeats. */
    id: z.string().min(1).max(200),
    type: z.literal(type),
    workspaceId: z.string().uuid(),
    /** When it happened (ISO 8601). */
    createdAt: z.string(),
    data: ZWebhookEventData[type],
  })

/** The JSON body of every delivery. */
export const ZWebhookEvent = z.discriminatedUnion('type', [
  eventOf('generation.succeeded'),
  eventOf('generation.failed'),
  eventOf('sequence.rendered'),
  eventOf('comment.created'),
  eventOf('decision.recorded'),
])
export type TWebhookEvent = z.infer<typeof ZWebhookEvent>

export const ZCreateWebhookEndpointRequest = z
  .object({
    url: z.string().trim().min(1, 'url: required').max(2000, 'url: at most 2000 characters'),
    description: z.string().trim().max(200).optional(),
    events: z.array(ZWebhookEventType).min(1, 'events: pick at least one').max(WEBHOOK_EVENT_TYPES.length),
  })
  .strict()
export type TCreateWebhookEndpointRequest = z.infer<typeof ZCreateWebhookEndpointRequest>

export const ZUpdateWebhookEndpointRequest = z.object({ paused: z.boolean() }).strict()

export type TWebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped'

export interface TWebhookEndpoint {
  id: string
  workspaceId: string
  url: string
  description: string | null
  events: TWebhookEventType[]
  paused: boolean
  createdAt: string
}

export interface TWebhookAttempt {
  attempt: number
  startedAt: string
  durationMs: number
  statusCode: number | null
  responseBody: string | null
  error: string | null
}

export interface TWebhookDelivery {
  id: string
  endpointId: string
  eventType: TWebhookEventType
  eventId: string
  status: TWebhookDeliveryStatus
  replayOf: string | null
  createdAt: string
  finishedAt: string | null
  attempts: TWebhookAttempt[]
}

/** How a delivery is retried: Temporal's activity retry, from the starter's configuration (tests shorten it). */
export interface TWebhookRetry {
  initialIntervalMs: number
  maximumIntervalMs: number
  maximumAttempts: number
}

export const DEFAULT_WEBHOOK_RETRY: TWebhookRetry = { initialIntervalMs: 2_000, maximumIntervalMs: 10 * 60_000, maximumAttempts: 10 }

export interface TWebhookDeliveryWorkflowArgs {
  deliveryId: string
  retry: TWebhookRetry
}

export const webhookDeliveryWorkflowId = (deliveryId: string) => `webhook/${deliveryId}`

/** The answer's first 2 KB are kept with each attempt. */
export const WEBHOOK_RESPONSE_KEEP_BYTES = 2048
/** A receiver has this long to answer one POST. */
export const WEBHOOK_TIMEOUT_MS = 10_000

/** Settings of every process that sends or records webhooks (web, workflows). */
export const ZWebhookEnv = z.object({
  /**
   * `1`: endpoints may be private, loopback or link-local addresses. Off by default so a workspace
   * cannot make Montage POST into its own network; the dev stack and the tests turn it on.
   */
  MONTAGE_WEBHOOKS_ALLOW_PRIVATE: ZEnvFlag,
  /** The first retry's wait; each next one doubles, up to the maximum (tests shorten both). */
  WEBHOOK_RETRY_INITIAL_MS: z.coerce.number().int().min(1).max(3_600_000).default(DEFAULT_WEBHOOK_RETRY.initialIntervalMs),
  WEBHOOK_RETRY_MAX_INTERVAL_MS: z.coerce.number().int().min(1).max(86_400_000).default(DEFAULT_WEBHOOK_RETRY.maximumIntervalMs),
  WEBHOOK_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(DEFAULT_WEBHOOK_RETRY.maximumAttempts),
})
export type TWebhookEnv = z.infer<typeof ZWebhookEnv>

export function webhookRetryFromEnv(env: TWebhookEnv): TWebhookRetry {
  return { initialIntervalMs: env.WEBHOOK_RETRY_INITIAL_MS, maximumIntervalMs: env.WEBHOOK_RETRY_MAX_INTERVAL_MS, maximumAttempts: env.WEBHOOK_RETRY_MAX_ATTEMPTS }
}
