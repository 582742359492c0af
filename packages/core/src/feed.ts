import { z } from 'zod'
import { ZShapeId } from './generation'

const ZActor = z.object({ id: z.string().uuid().nullable(), name: z.string() })

const base = {
  /** Also the JetStream message id, so a retried publish is dropped as a duplicate. */
  id: z.string().min(1).max(200),
  workspaceId: z.string().uuid(),
  boardId: z.string().uuid(),
  at: z.string(),
}

/** What the workspace feed tells its members: mentions (to the people named), new variations, approvals. */
export const ZFeedEvent = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('mention'),
    actor: ZActor,
    /** Only these members see it. */
    recipients: z.array(z.string().uuid()).min(1),
    commentId: z.string().uuid(),
    variationId: ZShapeId,
    excerpt: z.string().max(140),
  }),
  z.object({
    ...base,
    type: z.literal('variation.succeeded'),
    actor: ZActor,
    variationId: ZShapeId,
    shotId: ZShapeId,
    generationId: z.string().uuid(),
    model: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('review.decision'),
    actor: ZActor,
    variationId: ZShapeId,
    decision: z.enum(['approved', 'changes_requested']),
  }),
])
export type TFeedEvent = z.infer<typeof ZFeedEvent>

/** A feed entry as `GET /api/feed` answers it: the event, its place in the stream, and whether it is new to the reader. */
export type TFeedItem = TFeedEvent & { seq: number; unread: boolean }

export interface TFeedResponse {
  items: TFeedItem[]
  unread: number
}

export const ZMarkFeedReadRequest = z
  .object({
    workspaceId: z.string().uuid(),
    /** Everything up to this item is read; omitted: everything so far. */
    seq: z.number().int().positive().optional(),
  })
  .strict()
