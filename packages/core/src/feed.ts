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

/** What the workspace feed tells its members: mentions and comments (to their recipients), new variations, decisions. */
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
    /** Where the viewer opens: the thread and the comment's time (absent on entries from before). */
    threadId: z.string().uuid().optional(),
    timeSeconds: z.number().nonnegative().nullable().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('comment'),
    actor: ZActor,
    /** The shot's owner and the thread's other people (never the author, never those it mentions: they get `mention`). */
    recipients: z.array(z.string().uuid()).min(1),
    commentId: z.string().uuid(),
    threadId: z.string().uuid(),
    variationId: ZShapeId,
    timeSeconds: z.number().nonnegative().nullable(),
    excerpt: z.string().max(140),
    /** Whether it is a reply in a thread (else a new thread on a shot one of the recipients owns). */
    reply: z.boolean(),
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
    /** The variation's version within its shot (v3) and the shot's title, as the stored board had them. */
    version: z.number().int().positive().nullable().optional(),
    shotTitle: z.string().max(200).nullable().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('approval.requested'),
    actor: ZActor,
    /** The workspace's owners and producers: who may decide. */
    recipients: z.array(z.string().uuid()).min(1),
    variationId: ZShapeId,
    shotId: ZShapeId,
    generationId: z.string().uuid(),
    model: z.string(),
    credits: z.number().int().nonnegative(),
  }),
  z.object({
    ...base,
    type: z.literal('budget.warning'),
    actor: ZActor,
    /** The workspace's owners and producers. */
    recipients: z.array(z.string().uuid()).min(1),
    boardName: z.string().max(200),
    spent: z.number().int(),
    budget: z.number().int().positive(),
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
