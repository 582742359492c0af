import { z } from 'zod'
import { ZCameraMove } from './camera-moves'
import { ZEditModelId } from './edit-models'
import { ZSha256, ZStoredGenerationStatus, ZShapeId, ZStartGenerationRequest } from './generation'
import { ZAspectRatio } from './model-definition'
import { ZModelId } from './models'
import { ZPersonName } from './accounts'
import { ZEditFocus } from './review'

/**
 * Request schemas of the REST routes that used to live beside their route (web/app/api) or in the
 * web server's helpers: the routes validate with these, and the OpenAPI document (openapi.ts)
 * describes them, so the two never drift.
 */

/** How many items a page holds unless `limit` says otherwise, and the most it may say. */
export const DEFAULT_PAGE_LIMIT = 50
export const MAX_PAGE_LIMIT = 100

/** `?cursor=&limit=` of every API list: the cursor is opaque to clients (the last item's place). */
export const ZPageQuery = z.object({
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page, as it came'),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_LIMIT, `must be at most ${MAX_PAGE_LIMIT}`)
    .default(DEFAULT_PAGE_LIMIT)
    .describe(`Items per page (1–${MAX_PAGE_LIMIT})`),
})

/** Path parameters that are row ids. */
export const ZUuidParam = (what: string) => z.string().uuid(`is not ${what}`)

/** `/api/workspaces/:workspaceId/…` path parameters. */
export const ZWorkspaceParams = z.object({ workspaceId: ZUuidParam('a workspace id') })

/** Which notifications a person gets by email: none, mentions of them, or everything they follow. */
export const ZEmailPreference = z.enum(['off', 'mentions', 'all'], { message: "email must be 'off', 'mentions' or 'all'" })
/** `PUT /api/me/notifications` (and what `GET` answers). */
export const ZNotificationPreferences = z.object({ email: ZEmailPreference }).strict()

/** `POST /api/boards`. */
export const ZCreateBoardRequest = z.object({ workspaceId: z.string().uuid(), name: z.string().trim().min(1, 'Name the board').max(120) }).strict()
/** `GET /api/boards?workspaceId=&cursor=&limit=`. */
export const ZListBoardsQuery = ZPageQuery.extend({ workspaceId: z.string().uuid('is not a workspace id') }).strict()

/** `POST /api/boards/:boardId/checkpoints`. */
export const ZCreateCheckpointRequest = z.object({ name: z.string().trim().min(1, 'Give the checkpoint a name').max(120) }).strict()

/** `GET /api/feed?workspaceId=&limit=`. */
export const ZFeedQuery = z.object({ workspaceId: z.string().uuid(), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict()

/** `GET /api/assets/:sha256/download?boardId=&sidecar=`. */
export const ZAssetDownloadQuery = z.object({ boardId: z.string().uuid(), sidecar: z.enum(['0', '1']).default('0') }).strict()

/** `POST /api/auth/local/sign-in` (demo mode): an existing passwordless demo person, or a new one by name. */
export const ZDemoSignInRequest = z
  .object({
    userId: z.string().uuid().optional(),
    name: ZPersonName.optional(),
  })
  .strict()
  .refine((b) => (b.userId ? !b.name : !!b.name), { message: 'Send either userId or name', path: ['name'] })

/** `POST /api/generations/:id/retry`. */
export const ZRetryGenerationRequest = z.object({ variationId: ZShapeId.optional() }).strict()

/** `GET /api/generations?boardId=|workspaceId=&shotId=&status=&cursor=&limit=`. */
export const ZListGenerationsQuery = ZPageQuery.extend({
  workspaceId: z.string().uuid('is not a workspace id').optional(),
  boardId: z.string().uuid('is not a board id').optional(),
  shotId: ZShapeId.optional(),
  status: ZStoredGenerationStatus.optional(),
}).strict()

/** `GET /api/boards/:boardId/variations?shotId=&cursor=&limit=`. */
export const ZListVariationsQuery = ZPageQuery.extend({ shotId: ZShapeId.optional() }).strict()

/** A shot's brief as the API writes it; what is left out takes the shot tool's defaults. */
export const ZShotBrief = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
    prompt: z.string().max(4000, 'must be at most 4000 characters'),
    model: ZModelId,
    duration: z.number().int().min(1).max(60),
    aspectRatio: ZAspectRatio,
    cameraMove: ZCameraMove,
  })
  .partial()
  .strict()
export type TShotBrief = z.infer<typeof ZShotBrief>

/** `POST /api/boards/:boardId/shots`: a brief, and the shot's id when the client chose one. */
export const ZCreateShotRequest = ZShotBrief.extend({ shotId: ZShapeId.optional() }).strict()

/** The most variations one Generate makes (the shot card's ×1 / ×2 / ×4). */
export const MAX_BATCH = 4

/**
 * Body of `POST /api/generations`: one generation, or `count` variations of the shot (a batch).
 * `variationIds` are the placeholders the client placed, one per variation.
 */
export const ZStartGenerationsRequest = ZStartGenerationRequest.extend({
  count: z.number().int().min(1).max(MAX_BATCH).default(1),
  variationIds: z.array(ZShapeId).min(1).max(MAX_BATCH).optional(),
})
export type TStartGenerationsRequest = z.infer<typeof ZStartGenerationsRequest>

/**
 * An edit's source when it is not a variation: an asset of the workspace (an upload, a library
 * reference) and, when the person started it from a card on the board, that card.
 */
export const ZEditAssetSource = z.object({ kind: z.literal('asset'), sha256: ZSha256, shapeId: ZShapeId.optional() }).strict()
export type TEditAssetSource = z.infer<typeof ZEditAssetSource>

const EDIT_FIELDS = {
  model: ZEditModelId,
  /** Checked against the edit model's own schema (`params.preset`, …) in a second pass. */
  params: z.record(z.string(), z.unknown()).default({}),
  prompt: z.string().max(4000).default(''),
  /** The variation shape the client already placed (queued); the server makes one up if absent. */
  variationId: ZShapeId.optional(),
  /** A composite's environment plate, or Aleph 2's keyframe images (up to 5); other edits take none. */
  references: z.array(z.object({ shapeId: ZShapeId, assetSha256: ZSha256 }).strict()).max(5).default([]),
  /** An edit from a comment: the comment's time range and region. */
  focus: ZEditFocus.optional(),
}

/** Body of `POST /api/generations/<parent id>/edit`. */
export const ZStartEditRequest = z.object(EDIT_FIELDS).strict()
export type TStartEditRequest = z.infer<typeof ZStartEditRequest>

/** Body of `POST /api/edits`: the same edit of any asset of the board's workspace. */
export const ZStartAssetEditRequest = z.object({ ...EDIT_FIELDS, boardId: z.string().uuid(), source: ZEditAssetSource }).strict()
export type TStartAssetEditRequest = z.infer<typeof ZStartAssetEditRequest>
