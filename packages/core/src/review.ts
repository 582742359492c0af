import { z } from 'zod'
import { ZShapeId } from './generation'

/** Coordinates are fractions of the frame, so a region survives any display size. */
const ZUnit = z.number().finite().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1')

export const ZCommentRegion = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('rect'), x: ZUnit, y: ZUnit, w: ZUnit, h: ZUnit }).strict(),
  z.object({ shape: z.literal('arrow'), x1: ZUnit, y1: ZUnit, x2: ZUnit, y2: ZUnit }).strict(),
  z.object({ shape: z.literal('freehand'), points: z.array(z.tuple([ZUnit, ZUnit])).min(2).max(1000) }).strict(),
])
export type TCommentRegion = z.infer<typeof ZCommentRegion>

export const COMMENT_BODY_MAX = 4000

export const ZCreateCommentRequest = z
  .object({
    variationId: ZShapeId,
    body: z.string().trim().min(1, 'Write a comment').max(COMMENT_BODY_MAX, `A comment can be at most ${COMMENT_BODY_MAX} characters`),
    timeSeconds: z.number().finite().nonnegative().optional(),
    endSeconds: z.number().finite().nonnegative().optional(),
    region: ZCommentRegion.optional(),
    /** Set for a reply: the comment it answers (replies always attach to the thread's root). */
    parentId: z.string().uuid().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.endSeconds !== undefined && (b.timeSeconds === undefined || b.endSeconds <= b.timeSeconds)) {
      ctx.addIssue({ code: 'custom', path: ['endSeconds'], message: 'must be after timeSeconds' })
    }
  })
export type TCreateCommentRequest = z.infer<typeof ZCreateCommentRequest>

/** A guest comments under a name they give; everything else is as for members. */
export const ZGuestCreateCommentRequest = ZCreateCommentRequest
export type TGuestCreateCommentRequest = TCreateCommentRequest

export const ZSetCommentResolvedRequest = z.object({ resolved: z.boolean() }).strict()

export interface TCommentAuthor {
  /** null for a guest of a review link. */
  id: string | null
  name: string
  guest: boolean
}

export interface TComment {
  id: string
  boardId: string
  variationId: string
  parentId: string | null
  author: TCommentAuthor
  body: string
  /** User ids of the workspace members named with `@Name` in the body. */
  mentions: string[]
  timeSeconds: number | null
  endSeconds: number | null
  region: TCommentRegion | null
  resolved: boolean
  createdAt: string
}

export const REVIEW_DECISIONS = ['approved', 'changes_requested'] as const
export type TReviewDecisionKind = (typeof REVIEW_DECISIONS)[number]

export const REVIEW_NOTE_MAX = 2000

/** "Request changes" says what should change (a note is required); an approval may carry one. */
export const ZReviewDecisionRequest = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    note: z.string().trim().max(REVIEW_NOTE_MAX, `A note can be at most ${REVIEW_NOTE_MAX} characters`).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.decision === 'changes_requested' && !b.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say what should change: a note is required to request changes' })
    }
  })
export type TReviewDecisionRequest = z.infer<typeof ZReviewDecisionRequest>

export interface TReviewDecision {
  id: string
  variationId: string
  decision: TReviewDecisionKind
  by: { id: string; name: string }
  at: string
  note: string | null
}

export const ZReviewLinkScope = z.enum(['board', 'shot'])
export type TReviewLinkScope = z.infer<typeof ZReviewLinkScope>

export const ZCreateReviewLinkRequest = z
  .object({
    scope: ZReviewLinkScope,
    shotId: ZShapeId.optional(),
    expiresInHours: z.number().int().min(1).max(720),
    passphrase: z.string().min(6).max(200).optional(),
    /** Whether guests may download the files in scope (with their Content Credentials). Off unless asked. */
    allowDownloads: z.boolean().default(false),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.scope === 'shot' && !b.shotId) ctx.addIssue({ code: 'custom', path: ['shotId'], message: 'required when scope is shot' })
    if (b.scope === 'board' && b.shotId) ctx.addIssue({ code: 'custom', path: ['shotId'], message: 'only for scope shot' })
  })
export type TCreateReviewLinkRequest = z.infer<typeof ZCreateReviewLinkRequest>

export interface TReviewLink {
  id: string
  /** Only in the answer to the create request: the token is stored hashed and cannot be shown again. */
  url?: string
  scope: TReviewLinkScope
  shotId: string | null
  expiresAt: string
  hasPassphrase: boolean
  revokedAt: string | null
  createdAt: string
  /** Guests may download the files in scope. */
  allowDownloads: boolean
}

export const ZGuestSessionRequest = z
  .object({
    name: z.string().trim().min(1, 'Enter your name').max(80),
    passphrase: z.string().max(200).optional(),
  })
  .strict()
export type TGuestSessionRequest = z.infer<typeof ZGuestSessionRequest>

/** What a guest sees of a board: the shots in scope and their variations, from the stored document. */
export interface TReviewScopeView {
  board: { name: string }
  scope: TReviewLinkScope
  /** The guest's name once a session exists. */
  guestName: string | null
  /** Whether the link lets guests download the files (with their Content Credentials). */
  allowDownloads: boolean
  shots: {
    id: string
    prompt: string
    title: string
    variations: {
      id: string
      status: string
      assetSha256: string
      /** The ≤720p web proxy of a larger clip, played instead of the output; '' when there is none. */
      proxySha256: string
      posterSha256: string
      mimeType: string
      durationSeconds: number
      reviewState: string
      model: string
      /** Its version number in the shot (v3); 0 while unnumbered. */
      version: number
      /** The version it was edited from, when that one is on the board; 0 otherwise. */
      parentVersion: number
    }[]
  }[]
}

export interface TBoardMember {
  id: string
  name: string
  role: 'owner' | 'producer' | 'editor' | 'reviewer'
}

/**
 * Member names mentioned as `@Name` in a body. A name may contain spaces (`@Ada Moreau`), so
 * each member's full name is matched, longest first, and then the first name alone.
 */
export function parseMentions(body: string, members: readonly { id: string; name: string }[]): string[] {
  const found = new Set<string>()
  const lower = body.toLowerCase()
  const byLength = [...members].sort((a, b) => b.name.length - a.name.length)
  for (const m of byLength) {
    const candidates = [m.name, m.name.split(/\s+/)[0] ?? m.name]
    for (const name of candidates) {
      const needle = `@${name.toLowerCase()}`
      let at = lower.indexOf(needle)
      while (at >= 0) {
        const next = lower.charAt(at + needle.length)
        // The name must end there, not run on into a longer word (`@Ada` in `@Adam`).
        if (!/[\p{L}\p{N}_]/u.test(next)) {
          found.add(m.id)
          break
        }
        at = lower.indexOf(needle, at + 1)
      }
      if (found.has(m.id)) break
    }
  }
  return members.filter((m) => found.has(m.id)).map((m) => m.id)
}

/** The summary of a comment thread the board document keeps in `Y.Map('threads')`, keyed by root id. */
export const ZThreadSummary = z.object({
  id: z.string().uuid(),
  variationId: ZShapeId,
  timeSeconds: z.number().nullable(),
  endSeconds: z.number().nullable(),
  region: ZCommentRegion.nullable(),
  authorName: z.string(),
  excerpt: z.string().max(140),
  replies: z.number().int().nonnegative(),
  resolved: z.boolean(),
  updatedAt: z.string(),
})
export type TThreadSummary = z.infer<typeof ZThreadSummary>

/**
 * Where an "edit from comment" should apply: the comment's time range and region. Recorded with the
 * edit's generation so the variation says what it was asked to change.
 */
export const ZEditFocus = z
  .object({
    startSeconds: z.number().finite().nonnegative(),
    endSeconds: z.number().finite().nonnegative().optional(),
    region: ZCommentRegion.optional(),
    /** The comment it came from. */
    commentId: z.string().uuid().optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.endSeconds !== undefined && f.endSeconds <= f.startSeconds) ctx.addIssue({ code: 'custom', path: ['endSeconds'], message: 'must be after startSeconds' })
  })
export type TEditFocus = z.infer<typeof ZEditFocus>
