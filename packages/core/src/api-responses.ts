import { z } from 'zod'
import { ZApiKeyScope } from './api-keys'
import { ZGenerationStatus, ZSha256 } from './generation'
import { ZReviewLinkScope } from './review'
import { ZRole } from './roles'
import { ZWebhookEventType } from './webhooks'

/**
 * What the REST routes answer, as zod: the OpenAPI document (openapi.ts) publishes these and the
 * e2e test (web/e2e/openapi.test.ts) checks real answers against them. Objects are open (`looseObject`):
 * the fields listed are promised, a client must ignore any other.
 */

const ZTime = z.string().describe('ISO 8601 time')
const ZUuid = z.string().uuid()
const ZPerson = z.looseObject({ id: ZUuid, name: z.string() })

/** The one error shape of every route. */
export const ZApiError = z.object({
  error: z.looseObject({
    code: z.string().describe('BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, GONE, PAYLOAD_TOO_LARGE, RATE_LIMITED, INSUFFICIENT_CREDITS, UNAVAILABLE, INTERNAL, …'),
    message: z.string(),
    field: z.string().optional().describe('The request field that was wrong, when one was'),
  }),
})

/** A page of a list: `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

export const ZOk = z.looseObject({ ok: z.literal(true) })

export const ZBoardSummary = z.looseObject({ id: ZUuid, name: z.string(), workspaceId: ZUuid })
export const ZBoardWithRole = ZBoardSummary.extend({ role: ZRole })
export const ZBoardListItem = ZBoardSummary.extend({ createdAt: ZTime, updatedAt: ZTime })

/** A board shape as the API shows it: its id, type and place, and its props (without the card's size). */
export const ZBoardShapeView = z.looseObject({ id: z.string().startsWith('shape:'), type: z.string(), x: z.number(), y: z.number() })

export const ZGenerationView = z.looseObject({
  id: ZUuid,
  workspaceId: ZUuid,
  boardId: ZUuid,
  shotId: z.string(),
  variationId: z.string(),
  model: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: ZGenerationStatus,
  credits: z.number(),
  output: z
    .looseObject({
      sha256: ZSha256,
      mimeType: z.string().nullable(),
      durationSeconds: z.number().nullable(),
      posterSha256: z.string().nullable(),
      proxySha256: z.string().nullable(),
      stripSha256: z.string().nullable(),
      stripFrames: z.number().nullable(),
    })
    .nullable(),
  error: z.unknown(),
  createdBy: ZUuid.nullable(),
  createdAt: ZTime,
  finishedAt: ZTime.nullable(),
})

export const ZStartedGeneration = z.looseObject({ generationId: ZUuid, variationId: z.string(), workflowId: z.string(), credits: z.number() })
export const ZStartedGenerations = ZStartedGeneration.extend({ generations: z.array(ZStartedGeneration), batchWorkflowId: z.string().optional() })
export const ZStartedEdit = ZStartedGeneration.extend({ parentGenerationId: ZUuid.optional(), shotId: z.string(), sourceAssetSha256: ZSha256 })

export const ZReviewLinkView = z.looseObject({
  id: ZUuid,
  url: z.string().optional().describe('Only in the answer that creates the link'),
  scope: ZReviewLinkScope,
  shotId: z.string().nullable(),
  expiresAt: ZTime,
  hasPassphrase: z.boolean(),
  revokedAt: ZTime.nullable(),
  createdAt: ZTime,
  allowDownloads: z.boolean(),
})

export const ZCheckpointView = z.looseObject({ id: ZUuid, boardId: ZUuid, name: z.string(), createdBy: ZUuid.nullable(), createdAt: ZTime })

export const ZMemberView = z.looseObject({ id: ZUuid, name: z.string(), role: ZRole })

export const ZInviteView = z.looseObject({
  id: ZUuid,
  workspaceId: ZUuid,
  role: ZRole,
  email: z.string().nullable(),
  maxUses: z.number(),
  useCount: z.number(),
  expiresAt: ZTime,
  revokedAt: ZTime.nullable(),
  createdAt: ZTime,
  state: z.string(),
})

export const ZApiKeyView = z.looseObject({
  id: ZUuid,
  workspaceId: ZUuid,
  name: z.string(),
  scopes: z.array(ZApiKeyScope),
  prefix: z.string(),
  createdBy: z.looseObject({ id: ZUuid.nullable(), name: z.string() }),
  createdAt: ZTime,
  lastUsedAt: ZTime.nullable(),
  revokedAt: ZTime.nullable(),
})

export const ZWebhookEndpointView = z.looseObject({
  id: ZUuid,
  workspaceId: ZUuid,
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(ZWebhookEventType),
  paused: z.boolean(),
  createdAt: ZTime,
})

export const ZWebhookDeliveryView = z.looseObject({
  id: ZUuid,
  endpointId: ZUuid,
  eventType: ZWebhookEventType,
  eventId: z.string(),
  status: z.string(),
  replayOf: ZUuid.nullable(),
  createdAt: ZTime,
  finishedAt: ZTime.nullable(),
  attempts: z.array(
    z.looseObject({ attempt: z.number(), startedAt: ZTime, durationMs: z.number(), statusCode: z.number().nullable(), responseBody: z.string().nullable(), error: z.string().nullable() }),
  ),
})

export const ZSessionView = z.looseObject({
  id: ZUuid,
  kind: z.string(),
  createdAt: ZTime,
  expiresAt: ZTime,
  lastSeenAt: ZTime,
  revokedAt: ZTime.nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
})

export const ZMeResponse = z.looseObject({
  user: z.looseObject({ id: ZUuid, name: z.string(), email: z.string().nullable() }),
  memberships: z.array(z.looseObject({ workspaceId: ZUuid, workspaceName: z.string(), role: ZRole, credits: z.number().nullable() })),
  apiKey: z.looseObject({ id: ZUuid, workspaceId: ZUuid, scopes: z.array(ZApiKeyScope) }).nullable().optional().describe('The key this request came with; absent or null for a session'),
})

export const ZCreditsReportView = z.looseObject({
  balance: z.number(),
  entries: z.array(z.looseObject({})),
  spent: z.number(),
  byBoard: z.array(z.looseObject({})),
  byPerson: z.array(z.looseObject({})),
  byModel: z.array(z.looseObject({})),
  byDay: z.array(z.looseObject({ day: z.string(), credits: z.number() })),
  options: z.looseObject({ boards: z.array(z.looseObject({})), people: z.array(z.looseObject({})), models: z.array(z.string()) }),
})

export const ZFeedView = z.looseObject({ items: z.array(z.looseObject({ seq: z.number(), type: z.string(), at: ZTime, unread: z.boolean() })), unread: z.number().int() })

export const ZSignAssetsView = z.object({ urls: z.record(z.string(), z.string()), expiresAt: z.number().describe('Unix milliseconds') })

export const ZSignedInView = z.looseObject({ user: ZPerson })

