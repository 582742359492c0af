import { z } from 'zod'
import { ZPageQuery } from './api-schemas'
import { pageOf } from './api-responses'
import { ZShapeId } from './generation'
import { ZAssetView, ZLibraryReference } from './library'
import { REVIEW_DECISIONS, ZCommentRegion, type TComment, type TReviewDecision } from './review'

/*
 * The public API's paged lists (issue 14): each takes `?cursor=&limit=` and answers
 * `{ items, nextCursor }`, oldest first; `nextCursor` (opaque) is null on the last page. The query
 * schemas are strict, so a parameter a list does not know is a 400 naming it.
 */

/** One page of a list: its items and where the next page starts (null at the end). */
export const zPage = pageOf

/** `GET /api/boards/:boardId/comments?variationId=&cursor=&limit=`. */
export const ZCommentListQuery = ZPageQuery.extend({ variationId: ZShapeId.optional() }).strict()

/** A comment as the API shows it (`TComment`). */
export const ZCommentView = z.object({
  id: z.string().uuid(),
  boardId: z.string().uuid(),
  variationId: ZShapeId,
  parentId: z.string().uuid().nullable(),
  author: z.object({ id: z.string().uuid().nullable(), name: z.string(), guest: z.boolean() }),
  body: z.string(),
  mentions: z.array(z.string().uuid()),
  timeSeconds: z.number().nullable(),
  endSeconds: z.number().nullable(),
  region: ZCommentRegion.nullable(),
  resolved: z.boolean(),
  createdAt: z.string(),
})
export const ZCommentPage = zPage(ZCommentView)

/** `GET /api/boards/:boardId/decisions?variationId=&cursor=&limit=`. */
export const ZDecisionListQuery = ZPageQuery.extend({ variationId: ZShapeId.optional() }).strict()

/** A review decision as the API shows it (`TReviewDecision`): every one is kept, a variation's latest stands. */
export const ZDecisionView = z.object({
  id: z.string().uuid(),
  variationId: ZShapeId,
  decision: z.enum(REVIEW_DECISIONS),
  by: z.object({ id: z.string().uuid(), name: z.string() }),
  at: z.string(),
  note: z.string().nullable(),
})
export const ZDecisionPage = zPage(ZDecisionView)

/** `GET /api/workspaces/:workspaceId/references?cursor=&limit=`. */
export const ZReferenceListQuery = ZPageQuery.strict()
export const ZReferencePage = zPage(ZLibraryReference)

/** What an asset is on a board: an upload (a reference card shows it) or an output (a variation's or a sequence's). */
export const ZBoardAssetRole = z.enum(['upload', 'output'])
export type TBoardAssetRole = z.infer<typeof ZBoardAssetRole>

/** `GET /api/boards/:boardId/assets?role=&cursor=&limit=`. */
export const ZBoardAssetListQuery = ZPageQuery.extend({ role: ZBoardAssetRole.optional() }).strict()
export const ZBoardAssetView = ZAssetView.extend({ roles: z.array(ZBoardAssetRole).min(1) })
export type TBoardAssetView = z.infer<typeof ZBoardAssetView>
export const ZBoardAssetPage = zPage(ZBoardAssetView)

// The views above are the API's own types written as schemas; these fail to compile when the two part.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const commentViewMatches: Same<z.infer<typeof ZCommentView>, TComment> = true
const decisionViewMatches: Same<z.infer<typeof ZDecisionView>, TReviewDecision> = true
void commentViewMatches
void decisionViewMatches
