import { z } from 'zod'
import { ZCreateApiKeyRequest } from './api-keys'
import { ZBoardAssetListQuery, ZBoardAssetPage, ZCommentListQuery, ZCommentPage, ZCommentView, ZDecisionListQuery, ZDecisionPage, ZDecisionView, ZReferenceListQuery, ZReferencePage } from './api-lists'
import { ZActivityPage, ZBoardActivityQuery, ZWorkspaceActivityQuery } from './audit'
import { ZAcceptInviteRequest, ZCreateInviteRequest, ZSignInRequest, ZSignUpRequest } from './accounts'
import {
  ZAssetDownloadQuery,
  ZCreateBoardRequest,
  ZCreateCheckpointRequest,
  ZCreateShotRequest,
  ZDemoSignInRequest,
  ZFeedQuery,
  ZListBoardsQuery,
  ZListGenerationsQuery,
  ZListVariationsQuery,
  ZNotificationPreferences,
  ZPageQuery,
  ZRetryGenerationRequest,
  ZStartAssetEditRequest,
  ZStartEditRequest,
  ZStartGenerationsRequest,
  ZUuidParam,
  ZWorkspaceParams,
} from './api-schemas'
import {
  ZApiError,
  ZApiKeyView,
  ZBoardListItem,
  ZBoardShapeView,
  ZBoardSummary,
  ZBoardWithRole,
  ZCheckpointView,
  ZCreditsReportView,
  ZFeedView,
  ZGenerationView,
  ZInviteView,
  ZMemberView,
  ZMeResponse,
  ZOk,
  ZReviewLinkView,
  ZSessionView,
  ZSignAssetsView,
  ZSignedInView,
  ZStartedEdit,
  ZStartedGeneration,
  ZStartedGenerations,
  ZWebhookDeliveryView,
  ZWebhookEndpointView,
  pageOf,
} from './api-responses'
import { ZSequenceExportQuery, ZSequencePackageQuery } from './delivery'
import { ZMarkFeedReadRequest } from './feed'
import { ZSha256, ZShapeId } from './generation'
import { ZAddReferenceViewRequest, ZAssetLookupQuery, ZAssetView, ZCreateReferenceRequest, ZLibraryReference, ZPromoteReferenceRequest, ZSignAssetsRequest, ZUploadQuery, ZUploadResponse } from './library'
import { ZCreateCommentRequest, ZCreateReviewLinkRequest, ZGuestCreateCommentRequest, ZGuestSessionRequest, ZReviewDecisionRequest, ZSetCommentResolvedRequest } from './review'
import { ZSearchQuery, ZSearchResponse } from './search'
import { ZRenderSequenceRequest } from './sequence'
import { ZCreateWebhookEndpointRequest, ZUpdateWebhookEndpointRequest } from './webhooks'
import {
  ZApprovalDecisionRequest,
  ZApprovalDecisionView,
  ZApprovalThresholdView,
  ZBoardBudgetView,
  ZCreditsQuery,
  ZDeleteBoardRequest,
  ZDuplicateBoardRequest,
  ZSetApprovalThresholdRequest,
  ZSetBoardBudgetRequest,
  ZUpdateBoardRequest,
  ZUpdateMemberRequest,
} from './workspace-admin'

/**
 * The public REST API as one registry: every route × method with its auth, inputs (the same zod
 * schemas the routes validate with), answers and example requests. `buildOpenApiDocument` turns it
 * into the OpenAPI 3.1 document served at `/api/openapi.json`; web/test/openapi-coverage.test.ts
 * fails when a route file and this registry disagree. Adding a route: one `op({...})` entry below.
 */

export type TApiMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Who may call: an API key scope (a session of a member may too, as the role allows), `session`
 * (a signed-in person only; keys are refused), `guest` (a review link's guest cookie), or `public`
 * (no credentials; the request carries its own capability, e.g. a password or a signed URL).
 */
export type TApiAuth = 'read' | 'generate' | 'review' | 'admin' | 'session' | 'guest' | 'public'

/**
 * An example request. Strings may hold placeholders in braces (`{boardId}`, `{shotId}`, …): ids of
 * your own workspace go there. The e2e test (web/e2e/openapi.test.ts) fills them from a board, shot,
 * variation and the rest it creates, sends each example with a key of the route's scope, and checks
 * the answer against `status`'s documented schema.
 */
export interface TApiExample {
  summary: string
  path?: Record<string, string>
  query?: Record<string, string>
  body?: unknown
  /** A raw body instead of JSON (uploads). */
  bytes?: { contentType: string; base64: string }
  /** The status this example answers in a fresh workspace as the test sets it up. */
  status: number
}

export interface TApiResponse {
  description: string
  /** JSON body schema; absent with `contentType` for a file. */
  schema?: z.ZodType
  /** A non-JSON answer (a file). */
  contentType?: string
}

export interface TApiRoute {
  method: TApiMethod
  /** OpenAPI style: `/api/boards/{boardId}` (the route file's `[boardId]`). */
  path: string
  summary: string
  description?: string
  tag: string
  auth: TApiAuth
  params?: z.ZodObject
  query?: z.ZodObject
  /** JSON body, or raw bytes of these media types. */
  body?: z.ZodType | { raw: string[] }
  /** Success answers by status; the error answers are added from `errors`. */
  responses: Record<number, TApiResponse>
  /** Error statuses this route answers (the shared error shape), besides 401/403/429 of authenticated routes. */
  errors?: number[]
  /** Takes `Idempotency-Key` (costs credits). */
  idempotent?: boolean
  examples?: TApiExample[]
}

/** The tags in the order the reference shows them. */
export const API_TAGS = [
  { name: 'Account', description: 'Who is calling, sign-in and sessions.' },
  { name: 'Boards', description: 'Boards of a workspace, their checkpoints and members.' },
  { name: 'Shots & variations', description: 'Shots and variations on a board (board shapes, placed through board commands).' },
  { name: 'Generations', description: 'Starting, reading, cancelling and retrying generations and edits.' },
  { name: 'Assets', description: 'Uploads and the files of a workspace.' },
  { name: 'Library', description: "The workspace's reference library." },
  { name: 'Review', description: 'Comments, decisions and review links.' },
  { name: 'Sequences', description: 'Sequences, their renders and hand-off packages.' },
  { name: 'Workspace', description: 'Members, invites, credits and the activity feed.' },
  { name: 'API keys', description: 'Keys for scripts (owners and producers).' },
  { name: 'Webhooks', description: 'Signed event deliveries to your endpoints.' },
  { name: 'Guest review', description: 'What a review link opens (a guest cookie, not a key).' },
] as const

const uuid = (what: string) => ZUuidParam(what)
const P = {
  board: z.object({ boardId: uuid('a board id') }),
  workspace: ZWorkspaceParams,
  generation: z.object({ id: uuid('a generation id') }),
  token: z.object({ token: z.string().describe('The review link token (from its URL)') }),
}
const json = (schema: z.ZodType, description = 'OK'): TApiResponse => ({ schema, description })
const file = (contentType: string, description: string): TApiResponse => ({ contentType, description })
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

/** One registry entry (kept as a function so an entry reads as one object). */
function op(route: TApiRoute): TApiRoute {
  return route
}

export const API_ROUTES: readonly TApiRoute[] = [
  // Account
  op({ method: 'GET', path: '/api/me', tag: 'Account', auth: 'read', summary: 'Who is calling', description: 'The person (a key acts as its creator), their memberships (a key sees only its workspace) and the key itself.', responses: { 200: json(ZMeResponse) }, examples: [{ summary: 'Check a key', status: 200 }] }),
  op({ method: 'POST', path: '/api/auth/sign-in', tag: 'Account', auth: 'public', summary: 'Sign in with email and password', body: ZSignInRequest, responses: { 200: json(ZSignedInView, 'Signed in; sets the session cookie') }, errors: [400, 401, 429] }),
  op({ method: 'POST', path: '/api/auth/sign-up', tag: 'Account', auth: 'public', summary: 'Create a password account', description: 'With an invite token (or, for the first account of an install, without).', body: ZSignUpRequest, responses: { 201: json(ZSignedInView, 'Created and signed in') }, errors: [400, 404, 409, 410, 429] }),
  op({ method: 'POST', path: '/api/auth/local/sign-in', tag: 'Account', auth: 'public', summary: 'Demo sign-in', description: 'Demo mode on loopback only.', body: ZDemoSignInRequest, responses: { 200: json(ZSignedInView) }, errors: [400, 403, 429] }),
  op({ method: 'POST', path: '/api/auth/sign-out', tag: 'Account', auth: 'public', summary: 'Sign out this session', responses: { 200: json(ZOk) } }),
  op({ method: 'GET', path: '/api/auth/sessions', tag: 'Account', auth: 'session', summary: "The caller's sessions", responses: { 200: json(z.object({ sessions: z.array(ZSessionView) })) } }),
  op({ method: 'DELETE', path: '/api/auth/sessions/{sessionId}', tag: 'Account', auth: 'session', summary: 'Sign a session out', params: z.object({ sessionId: uuid('a session id') }), responses: { 200: json(ZOk.extend({ current: z.boolean() })) }, errors: [400, 404] }),
  op({ method: 'POST', path: '/api/invites/accept', tag: 'Account', auth: 'session', summary: 'Join a workspace with an invite token', body: ZAcceptInviteRequest, responses: { 200: json(z.looseObject({ workspace: z.looseObject({ id: z.string(), name: z.string() }), role: z.string() })) }, errors: [400, 404, 410] }),
  op({ method: 'GET', path: '/api/me/notifications', tag: 'Account', auth: 'session', summary: 'Which notifications reach you by email', responses: { 200: json(ZNotificationPreferences) } }),
  op({ method: 'PUT', path: '/api/me/notifications', tag: 'Account', auth: 'session', summary: 'Choose which notifications reach you by email', description: '`off`, `mentions` (of you) or `all`.', body: ZNotificationPreferences, responses: { 200: json(ZNotificationPreferences) }, errors: [400] }),

  // Boards
  op({ method: 'GET', path: '/api/boards', tag: 'Boards', auth: 'read', summary: "List a workspace's boards", query: ZListBoardsQuery, responses: { 200: json(pageOf(ZBoardListItem)) }, errors: [400, 404], examples: [{ summary: 'First two boards', query: { workspaceId: '{workspaceId}', limit: '2' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards', tag: 'Boards', auth: 'generate', summary: 'Create a board', body: ZCreateBoardRequest, responses: { 201: json(ZBoardWithRole, 'Created') }, errors: [400, 404, 409], examples: [{ summary: 'A new board', body: { workspaceId: '{workspaceId}', name: 'Launch film' }, status: 201 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}', tag: 'Boards', auth: 'read', summary: 'A board', params: P.board, responses: { 200: json(ZBoardWithRole) }, errors: [400, 404], examples: [{ summary: 'Read a board', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'PATCH', path: '/api/boards/{boardId}', tag: 'Boards', auth: 'admin', summary: 'Rename, archive or restore a board', params: P.board, body: ZUpdateBoardRequest, responses: { 200: json(ZBoardSummary.extend({ archivedAt: z.string().nullable().optional() })) }, errors: [400, 404], examples: [{ summary: 'Restore (not archived)', path: { boardId: '{boardId}' }, body: { archived: false }, status: 200 }] }),
  op({ method: 'DELETE', path: '/api/boards/{boardId}', tag: 'Boards', auth: 'admin', summary: 'Delete a board', description: "Owners only; the body repeats the board's name.", params: P.board, body: ZDeleteBoardRequest, responses: { 200: json(z.looseObject({ id: z.string(), deleted: z.literal(true) })) }, errors: [400, 404], examples: [{ summary: 'Delete a spare board', path: { boardId: '{spareBoardId}' }, body: { confirmName: '{spareBoardName}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/duplicate', tag: 'Boards', auth: 'admin', summary: 'Duplicate a board', params: P.board, body: ZDuplicateBoardRequest, responses: { 201: json(ZBoardSummary, 'Created') }, errors: [400, 404, 409], examples: [{ summary: 'A copy', path: { boardId: '{boardId}' }, body: { name: 'Launch film (copy)' }, status: 201 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/members', tag: 'Boards', auth: 'read', summary: "The board's workspace members", params: P.board, responses: { 200: json(z.object({ members: z.array(ZMemberView) })) }, errors: [400, 404], examples: [{ summary: 'Who can be mentioned', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/checkpoints', tag: 'Boards', auth: 'read', summary: "A board's checkpoints", params: P.board, responses: { 200: json(z.object({ checkpoints: z.array(ZCheckpointView) })) }, errors: [400, 404], examples: [{ summary: 'List checkpoints', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/checkpoints', tag: 'Boards', auth: 'generate', summary: 'Save a checkpoint', params: P.board, body: ZCreateCheckpointRequest, responses: { 201: json(z.object({ checkpoint: ZCheckpointView }), 'Saved'), 202: json(z.object({ checkpoint: z.looseObject({ id: z.string(), boardId: z.string(), name: z.string(), pending: z.literal(true) }) }), 'Being saved') }, errors: [400, 404], examples: [{ summary: 'Before a big change', path: { boardId: '{boardId}' }, body: { name: 'Before the reshoot' }, status: 201 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/checkpoints/{checkpointId}/restore', tag: 'Boards', auth: 'generate', summary: 'Restore a checkpoint', params: P.board.extend({ checkpointId: uuid('a checkpoint id') }), responses: { 202: json(z.object({ restoring: ZCheckpointView }), 'Restoring') }, errors: [400, 404], examples: [{ summary: 'Go back', path: { boardId: '{boardId}', checkpointId: '{checkpointId}' }, status: 202 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/budget', tag: 'Boards', auth: 'read', summary: "A board's credit budget and spend", description: '`warning` once the spend reaches 80% of the budget. Not for reviewers.', params: P.board, responses: { 200: json(ZBoardBudgetView) }, errors: [400, 404], examples: [{ summary: 'Budget and spend', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'PUT', path: '/api/boards/{boardId}/budget', tag: 'Boards', auth: 'admin', summary: "Set a board's credit budget", description: 'Owners and producers; `null` removes it.', params: P.board, body: ZSetBoardBudgetRequest, responses: { 200: json(ZBoardBudgetView) }, errors: [400, 404], examples: [{ summary: 'Cap the board at 50,000 credits', path: { boardId: '{boardId}' }, body: { budget: 50000 }, status: 200 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/activity', tag: 'Boards', auth: 'read', summary: "A board's audit trail", description: 'Who generated, edited, commented and decided, newest first; `variationId` (its edits included) or `shotId` narrows it.', params: P.board, query: ZBoardActivityQuery, responses: { 200: json(ZActivityPage) }, errors: [400, 404], examples: [{ summary: "A variation's history", path: { boardId: '{boardId}' }, query: { variationId: '{variationId}' }, status: 200 }] }),

  // Shots & variations
  op({ method: 'GET', path: '/api/boards/{boardId}/shots', tag: 'Shots & variations', auth: 'read', summary: "A board's shots", params: P.board, query: ZPageQuery.strict(), responses: { 200: json(pageOf(ZBoardShapeView)) }, errors: [400, 404], examples: [{ summary: 'List shots', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/shots', tag: 'Shots & variations', auth: 'generate', summary: 'Create a shot', description: 'The server places the shot card on the board; everyone watching sees it arrive.', params: P.board, body: ZCreateShotRequest, responses: { 201: json(z.object({ shot: ZBoardShapeView.omit({ x: true, y: true }) }), 'Placed') }, errors: [400, 404], examples: [{ summary: 'A shot with a brief', path: { boardId: '{boardId}' }, body: { title: 'Harbour at dawn', prompt: 'slow push-in over the harbour at dawn', duration: 4 }, status: 201 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/variations', tag: 'Shots & variations', auth: 'read', summary: "A board's variations", params: P.board, query: ZListVariationsQuery, responses: { 200: json(pageOf(ZBoardShapeView)) }, errors: [400, 404], examples: [{ summary: "One shot's variations", path: { boardId: '{boardId}' }, query: { shotId: '{shotId}' }, status: 200 }] }),

  // Generations
  op({ method: 'GET', path: '/api/generations', tag: 'Generations', auth: 'read', summary: 'List generations', description: 'By board or workspace, optionally by shot and status; oldest first.', query: ZListGenerationsQuery, responses: { 200: json(pageOf(ZGenerationView)) }, errors: [400, 404], examples: [{ summary: 'Succeeded on a board', query: { boardId: '{boardId}', status: 'succeeded', limit: '10' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/generations', tag: 'Generations', auth: 'generate', summary: 'Start a generation', description: "Reserves credits and starts the workflow; the variation appears on the board. `count` makes a batch.", body: ZStartGenerationsRequest, idempotent: true, responses: { 202: json(ZStartedGenerations, 'Started') }, errors: [400, 402, 404, 409], examples: [{ summary: 'A previz', body: { boardId: '{boardId}', shotId: '{shotId}', model: 'previz', prompt: 'slow push-in over the harbour at dawn', params: { duration: 2 }, references: [{ shapeId: '{referenceShapeId}', assetSha256: '{sha256}' }] }, status: 202 }] }),
  op({ method: 'GET', path: '/api/generations/{id}', tag: 'Generations', auth: 'read', summary: 'A generation', params: P.generation, responses: { 200: json(ZGenerationView) }, errors: [400, 404], examples: [{ summary: 'Poll a generation', path: { id: '{generationId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/generations/{id}/cancel', tag: 'Generations', auth: 'generate', summary: 'Cancel a generation', description: 'A finished generation answers 409.', params: P.generation, responses: { 202: json(z.looseObject({ generationId: z.string(), status: z.literal('cancelling') }), 'Cancelling') }, errors: [400, 404, 409, 503], examples: [{ summary: 'A finished one: nothing to cancel', path: { id: '{generationId}' }, status: 409 }] }),
  op({ method: 'POST', path: '/api/generations/{id}/approval', tag: 'Generations', auth: 'admin', summary: 'Approve or refuse a job waiting for approval', description: "Owners and producers, for a job priced above the workspace's approval threshold. Approved, it reserves its credits and runs; refused, it ends uncharged. A job that is not waiting, or was already decided, answers 409.", params: P.generation, body: ZApprovalDecisionRequest, responses: { 200: json(ZApprovalDecisionView) }, errors: [400, 404, 409, 503], examples: [{ summary: 'A finished one: nothing to decide', path: { id: '{generationId}' }, body: { decision: 'approve' }, status: 409 }] }),
  op({ method: 'POST', path: '/api/generations/{id}/retry', tag: 'Generations', auth: 'generate', summary: 'Retry a failed or cancelled generation', description: 'A succeeded generation answers 409.', params: P.generation, body: ZRetryGenerationRequest, idempotent: true, responses: { 202: json(ZStartedGenerations, 'Started') }, errors: [400, 402, 404, 409], examples: [{ summary: 'A succeeded one: nothing to retry', path: { id: '{generationId}' }, body: {}, status: 409 }] }),
  op({ method: 'POST', path: '/api/generations/{id}/edit', tag: 'Generations', auth: 'generate', summary: "Edit a generation's output", params: P.generation, body: ZStartEditRequest, idempotent: true, responses: { 202: json(ZStartedEdit, 'Started') }, errors: [400, 402, 404, 409], examples: [{ summary: 'Upscale ×2', path: { id: '{generationId}' }, body: { model: 'upscale', params: { factor: 2 } }, status: 202 }] }),
  op({ method: 'POST', path: '/api/edits', tag: 'Generations', auth: 'generate', summary: 'Edit any asset of the workspace', body: ZStartAssetEditRequest, idempotent: true, responses: { 202: json(ZStartedEdit, 'Started') }, errors: [400, 402, 404, 409], examples: [{ summary: 'Upscale an upload', body: { boardId: '{boardId}', source: { kind: 'asset', sha256: '{sha256}' }, model: 'upscale', params: { factor: 2 } }, status: 202 }] }),

  // Assets
  op({ method: 'POST', path: '/api/uploads', tag: 'Assets', auth: 'generate', summary: 'Upload an image, clip or sound', description: 'The raw bytes are the body; the same bytes are one asset per workspace.', query: ZUploadQuery.strict(), body: { raw: ['image/png', 'image/jpeg', 'image/webp', 'video/mp4', 'video/quicktime', 'audio/mpeg', 'audio/wav'] }, responses: { 201: json(ZUploadResponse, 'Stored') }, errors: [400, 404, 413, 415], examples: [{ summary: 'A one-pixel PNG', query: { boardId: '{boardId}' }, bytes: { contentType: 'image/png', base64: PNG_1PX }, status: 201 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/assets', tag: 'Assets', auth: 'read', summary: "A workspace's assets", params: P.workspace, query: ZPageQuery.strict(), responses: { 200: json(pageOf(ZAssetView)) }, errors: [400, 404], examples: [{ summary: 'Five assets', path: { workspaceId: '{workspaceId}' }, query: { limit: '5' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/assets', tag: 'Assets', auth: 'read', summary: "The assets a board's cards show", description: 'Uploads (reference cards) and outputs (variations, sequences), `roles` saying which; `role` keeps one kind.', params: P.board, query: ZBoardAssetListQuery, responses: { 200: json(ZBoardAssetPage) }, errors: [400, 404], examples: [{ summary: "The board's uploads", path: { boardId: '{boardId}' }, query: { role: 'upload', limit: '5' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/assets/by-id/{assetId}', tag: 'Assets', auth: 'read', summary: 'An asset by id', params: z.object({ assetId: uuid('an asset id') }), responses: { 200: json(z.object({ asset: ZAssetView })) }, errors: [400, 404], examples: [{ summary: 'Read an asset', path: { assetId: '{assetId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/assets/lookup', tag: 'Assets', auth: 'read', summary: 'An asset by its sha256', query: ZAssetLookupQuery, responses: { 200: json(z.object({ asset: ZAssetView })) }, errors: [400, 404], examples: [{ summary: 'Look an asset up', query: { boardId: '{boardId}', sha256: '{sha256}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/assets/sign', tag: 'Assets', auth: 'read', summary: 'Signed media URLs', body: ZSignAssetsRequest, responses: { 200: json(ZSignAssetsView) }, errors: [400, 404], examples: [{ summary: 'Sign one asset', body: { boardId: '{boardId}', sha256s: ['{sha256}'] }, status: 200 }] }),
  op({ method: 'GET', path: '/api/assets/{sha256}/download', tag: 'Assets', auth: 'read', summary: 'Download a file with its Content Credentials', params: z.object({ sha256: ZSha256 }), query: ZAssetDownloadQuery, responses: { 200: file('application/octet-stream', 'The file, as an attachment') }, errors: [400, 404], examples: [{ summary: 'Download an upload', path: { sha256: '{sha256}' }, query: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'HEAD', path: '/api/assets/{sha256}/download', tag: 'Assets', auth: 'read', summary: "A download's headers", params: z.object({ sha256: ZSha256 }), query: ZAssetDownloadQuery, responses: { 200: file('application/octet-stream', 'Headers only') }, errors: [400, 404], examples: [{ summary: 'Size before downloading', path: { sha256: '{sha256}' }, query: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/media/{sha256}', tag: 'Assets', auth: 'public', summary: 'Media by signed URL', description: 'The signature in the query (from POST /api/assets/sign) is the capability.', params: z.object({ sha256: ZSha256 }), responses: { 200: file('application/octet-stream', 'The bytes (ranges supported)') }, errors: [403, 404] }),
  op({ method: 'HEAD', path: '/api/media/{sha256}', tag: 'Assets', auth: 'public', summary: 'Media headers by signed URL', params: z.object({ sha256: ZSha256 }), responses: { 200: file('application/octet-stream', 'Headers only') }, errors: [403, 404] }),

  // Library
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/references', tag: 'Library', auth: 'read', summary: "The workspace's library references", params: P.workspace, query: ZReferenceListQuery, responses: { 200: json(ZReferencePage) }, errors: [400, 404], examples: [{ summary: 'First ten references', path: { workspaceId: '{workspaceId}' }, query: { limit: '10' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/workspaces/{workspaceId}/references', tag: 'Library', auth: 'generate', summary: 'Create a library reference', params: P.workspace, body: ZCreateReferenceRequest, responses: { 201: json(z.object({ reference: ZLibraryReference }), 'Created') }, errors: [400, 404, 409], examples: [{ summary: 'A location', path: { workspaceId: '{workspaceId}' }, body: { tag: 'harbour', kind: 'location', assetIds: ['{assetId}'] }, status: 201 }] }),
  op({ method: 'POST', path: '/api/references/{referenceId}/views', tag: 'Library', auth: 'generate', summary: 'Add a view to a reference', params: z.object({ referenceId: uuid('a reference id') }), body: ZAddReferenceViewRequest, responses: { 201: json(z.object({ reference: ZLibraryReference }), 'Added') }, errors: [400, 404, 409], examples: [{ summary: 'Another angle', path: { referenceId: '{referenceId}' }, body: { assetId: '{posterAssetId}' }, status: 201 }] }),
  op({ method: 'POST', path: '/api/references/promote', tag: 'Library', auth: 'generate', summary: 'Promote a variation into the library', body: ZPromoteReferenceRequest, responses: { 201: json(z.object({ reference: ZLibraryReference }), 'Created') }, errors: [400, 404, 409], examples: [{ summary: 'Keep this look', body: { boardId: '{boardId}', variationId: '{variationId}', tag: 'dawn_look', kind: 'style' }, status: 201 }] }),

  // Review
  op({ method: 'GET', path: '/api/boards/{boardId}/comments', tag: 'Review', auth: 'read', summary: "A board's comments", description: 'Replies and guests\' comments included, oldest first; `variationId` narrows to one variation.', params: P.board, query: ZCommentListQuery, responses: { 200: json(ZCommentPage) }, errors: [400, 404], examples: [{ summary: "A variation's comments", path: { boardId: '{boardId}' }, query: { variationId: '{variationId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/comments', tag: 'Review', auth: 'review', summary: 'Comment on a variation', params: P.board, body: ZCreateCommentRequest, responses: { 201: json(z.object({ comment: ZCommentView }), 'Created') }, errors: [400, 404], examples: [{ summary: 'A timed note', path: { boardId: '{boardId}' }, body: { variationId: '{variationId}', body: 'Hold the last frame a beat longer', timeSeconds: 1.5 }, status: 201 }] }),
  op({ method: 'PATCH', path: '/api/comments/{commentId}', tag: 'Review', auth: 'review', summary: 'Resolve or reopen a comment', params: z.object({ commentId: z.string() }), body: ZSetCommentResolvedRequest, responses: { 200: json(z.object({ comment: ZCommentView })) }, errors: [400, 404], examples: [{ summary: 'Resolve', path: { commentId: '{commentId}' }, body: { resolved: true }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/variations/{variationId}/decision', tag: 'Review', auth: 'review', summary: 'Approve or request changes', description: 'Owners and producers (a key of theirs with the review scope).', params: P.board.extend({ variationId: ZShapeId }), body: ZReviewDecisionRequest, responses: { 201: json(z.object({ decision: ZDecisionView }), 'Recorded') }, errors: [400, 404], examples: [{ summary: 'Approve', path: { boardId: '{boardId}', variationId: '{variationId}' }, body: { decision: 'approved' }, status: 201 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/variations/{variationId}/decisions', tag: 'Review', auth: 'read', summary: "A variation's decisions", params: P.board.extend({ variationId: ZShapeId }), responses: { 200: json(z.object({ decisions: z.array(ZDecisionView) })) }, errors: [400, 404], examples: [{ summary: 'Decision history', path: { boardId: '{boardId}', variationId: '{variationId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/decisions', tag: 'Review', auth: 'read', summary: "A board's review decisions", description: 'Every decision is kept, oldest first; a variation\'s latest stands. `variationId` narrows to one variation.', params: P.board, query: ZDecisionListQuery, responses: { 200: json(ZDecisionPage) }, errors: [400, 404], examples: [{ summary: "A variation's decisions", path: { boardId: '{boardId}' }, query: { variationId: '{variationId}', limit: '5' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/boards/{boardId}/review-links', tag: 'Review', auth: 'admin', summary: "A board's review links", params: P.board, responses: { 200: json(z.object({ links: z.array(ZReviewLinkView) })) }, errors: [400, 404], examples: [{ summary: 'List links', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/boards/{boardId}/review-links', tag: 'Review', auth: 'admin', summary: 'Create a review link', params: P.board, body: ZCreateReviewLinkRequest, responses: { 201: json(z.object({ link: ZReviewLinkView }), 'Created (the URL is shown once)') }, errors: [400, 404], examples: [{ summary: 'One shot for a day', path: { boardId: '{boardId}' }, body: { scope: 'shot', shotId: '{shotId}', expiresInHours: 24 }, status: 201 }] }),
  op({ method: 'DELETE', path: '/api/review-links/{linkId}', tag: 'Review', auth: 'admin', summary: 'Revoke a review link', params: z.object({ linkId: uuid('a review link id') }), responses: { 200: json(z.object({ link: ZReviewLinkView })) }, errors: [400, 404], examples: [{ summary: 'Revoke', path: { linkId: '{linkId}' }, status: 200 }] }),

  // Sequences
  op({ method: 'GET', path: '/api/boards/{boardId}/sequences', tag: 'Sequences', auth: 'read', summary: "A board's sequences", params: P.board, query: ZPageQuery.strict(), responses: { 200: json(pageOf(ZBoardShapeView)) }, errors: [400, 404], examples: [{ summary: 'List sequences', path: { boardId: '{boardId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/sequences/render', tag: 'Sequences', auth: 'generate', summary: 'Render a sequence', body: ZRenderSequenceRequest, idempotent: true, responses: { 202: json(ZStartedGeneration, 'Started') }, errors: [400, 402, 404, 409], examples: [{ summary: 'A sequence that is not on the board: 400 naming it', body: { boardId: '{boardId}', sequenceId: 'shape:no-such-sequence', variationId: 'shape:render-1' }, status: 400 }] }),
  op({ method: 'GET', path: '/api/sequences/{sequenceId}/package', tag: 'Sequences', auth: 'read', summary: "A sequence's delivery package (zip)", params: z.object({ sequenceId: ZShapeId }), query: ZSequencePackageQuery, responses: { 200: file('application/zip', 'The package') }, errors: [400, 404], examples: [{ summary: 'No such sequence: 404', path: { sequenceId: 'shape:no-such-sequence' }, query: { boardId: '{boardId}' }, status: 404 }] }),
  op({ method: 'GET', path: '/api/sequences/{sequenceId}/export', tag: 'Sequences', auth: 'read', summary: "A sequence's hand-off file (OTIO, EDL, FCPXML)", params: z.object({ sequenceId: ZShapeId }), query: ZSequenceExportQuery, responses: { 200: file('application/octet-stream', 'The file') }, errors: [400, 404], examples: [{ summary: 'No such sequence: 404', path: { sequenceId: 'shape:no-such-sequence' }, query: { boardId: '{boardId}', format: 'otio' }, status: 404 }] }),

  // Workspace
  op({ method: 'PATCH', path: '/api/workspaces/{workspaceId}/members/{userId}', tag: 'Workspace', auth: 'admin', summary: "Change a member's role", description: 'Owners only.', params: P.workspace.extend({ userId: uuid('a user id') }), body: ZUpdateMemberRequest, responses: { 200: json(z.looseObject({ userId: z.string(), role: z.string() })) }, errors: [400, 404, 409], examples: [{ summary: 'Make an editor a reviewer', path: { workspaceId: '{workspaceId}', userId: '{memberUserId}' }, body: { role: 'reviewer' }, status: 200 }] }),
  op({ method: 'DELETE', path: '/api/workspaces/{workspaceId}/members/{userId}', tag: 'Workspace', auth: 'admin', summary: 'Remove a member', description: 'Owners only.', params: P.workspace.extend({ userId: uuid('a user id') }), responses: { 200: json(z.looseObject({ userId: z.string(), removed: z.literal(true) })) }, errors: [400, 404, 409], examples: [{ summary: 'Remove', path: { workspaceId: '{workspaceId}', userId: '{memberUserId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/invites', tag: 'Workspace', auth: 'admin', summary: "A workspace's invites", params: P.workspace, responses: { 200: json(z.object({ invites: z.array(ZInviteView) })) }, errors: [400, 404], examples: [{ summary: 'List invites', path: { workspaceId: '{workspaceId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/workspaces/{workspaceId}/invites', tag: 'Workspace', auth: 'admin', summary: 'Create an invite link', params: P.workspace, body: ZCreateInviteRequest, responses: { 201: json(z.looseObject({ invite: ZInviteView, url: z.string() }), 'Created (the URL is shown once)') }, errors: [400, 404], examples: [{ summary: 'Invite an editor', path: { workspaceId: '{workspaceId}' }, body: { role: 'editor' }, status: 201 }] }),
  op({ method: 'DELETE', path: '/api/invites/{inviteId}', tag: 'Workspace', auth: 'admin', summary: 'Revoke an invite', params: z.object({ inviteId: uuid('an invite id') }), responses: { 200: json(z.object({ invite: ZInviteView })) }, errors: [400, 404], examples: [{ summary: 'Revoke', path: { inviteId: '{inviteId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/credits', tag: 'Workspace', auth: 'read', summary: 'Credits: balance, ledger and spend', description: 'Not for reviewers.', params: P.workspace, query: ZCreditsQuery, responses: { 200: json(ZCreditsReportView) }, errors: [400, 404], examples: [{ summary: 'The report', path: { workspaceId: '{workspaceId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/feed', tag: 'Workspace', auth: 'read', summary: "The workspace's activity feed", query: ZFeedQuery, responses: { 200: json(ZFeedView) }, errors: [400, 404, 503], examples: [{ summary: 'Latest news', query: { workspaceId: '{workspaceId}', limit: '20' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/feed/read', tag: 'Workspace', auth: 'read', summary: 'Mark the feed read', body: ZMarkFeedReadRequest, responses: { 200: json(z.object({ readSeq: z.number() })) }, errors: [400, 404], examples: [{ summary: 'All read', body: { workspaceId: '{workspaceId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/search', tag: 'Workspace', auth: 'read', summary: 'Search a workspace', description: 'Boards, shots, prompts, library tags, comments and people matching every word of `q` (as prefixes), best first within each kind.', query: ZSearchQuery, responses: { 200: json(ZSearchResponse) }, errors: [400, 404], examples: [{ summary: 'Everything about the harbour', query: { workspaceId: '{workspaceId}', q: 'harbour' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/activity', tag: 'Workspace', auth: 'read', summary: "The workspace's audit trail", description: 'Who generated, edited, commented and decided, in which role, when; newest first. Filters: `board`, `person`, `kind`.', params: P.workspace, query: ZWorkspaceActivityQuery, responses: { 200: json(ZActivityPage) }, errors: [400, 404], examples: [{ summary: 'The latest five', path: { workspaceId: '{workspaceId}' }, query: { limit: '5' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/activity/export', tag: 'Workspace', auth: 'read', summary: 'The audit trail as CSV', description: 'The same rows and filters as the trail (no paging), newest first, as an attachment.', params: P.workspace, query: ZWorkspaceActivityQuery.omit({ cursor: true, limit: true }), responses: { 200: file('text/csv', 'The trail, one row per action') }, errors: [400, 404], examples: [{ summary: 'Every comment', path: { workspaceId: '{workspaceId}' }, query: { kind: 'comment' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/approval-threshold', tag: 'Workspace', auth: 'read', summary: 'The approval threshold', description: 'A job priced above it waits for an owner\'s or producer\'s approval; `null`: none waits. Not for reviewers.', params: P.workspace, responses: { 200: json(ZApprovalThresholdView) }, errors: [400, 404], examples: [{ summary: 'Read it', path: { workspaceId: '{workspaceId}' }, status: 200 }] }),
  op({ method: 'PUT', path: '/api/workspaces/{workspaceId}/approval-threshold', tag: 'Workspace', auth: 'admin', summary: 'Set the approval threshold', description: 'Owners and producers; `null` removes it. Jobs already started keep what they started with.', params: P.workspace, body: ZSetApprovalThresholdRequest, responses: { 200: json(ZApprovalThresholdView) }, errors: [400, 404], examples: [{ summary: 'Ask before jobs over 500 credits', path: { workspaceId: '{workspaceId}' }, body: { threshold: 500 }, status: 200 }] }),

  // API keys
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/api-keys', tag: 'API keys', auth: 'admin', summary: "A workspace's API keys", params: P.workspace, responses: { 200: json(z.object({ apiKeys: z.array(ZApiKeyView) })) }, errors: [400, 404], examples: [{ summary: 'List keys', path: { workspaceId: '{workspaceId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/workspaces/{workspaceId}/api-keys', tag: 'API keys', auth: 'admin', summary: 'Create an API key', description: 'The secret is in this answer only; it is stored hashed.', params: P.workspace, body: ZCreateApiKeyRequest, responses: { 201: json(z.object({ apiKey: ZApiKeyView, secret: z.string().startsWith('mtg_') }), 'Created') }, errors: [400, 404], examples: [{ summary: 'A read-only key', path: { workspaceId: '{workspaceId}' }, body: { name: 'Dashboard', scopes: ['read'] }, status: 201 }] }),
  op({ method: 'DELETE', path: '/api/api-keys/{keyId}', tag: 'API keys', auth: 'admin', summary: 'Revoke an API key', params: z.object({ keyId: uuid('an API key id') }), responses: { 200: json(z.object({ apiKey: ZApiKeyView })) }, errors: [400, 404], examples: [{ summary: 'Revoke', path: { keyId: '{keyId}' }, status: 200 }] }),

  // Webhooks
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/webhooks', tag: 'Webhooks', auth: 'admin', summary: "A workspace's webhook endpoints", params: P.workspace, responses: { 200: json(z.object({ endpoints: z.array(ZWebhookEndpointView) })) }, errors: [400, 404], examples: [{ summary: 'List endpoints', path: { workspaceId: '{workspaceId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/workspaces/{workspaceId}/webhooks', tag: 'Webhooks', auth: 'admin', summary: 'Subscribe a URL to events', description: 'The signing secret is in this answer only.', params: P.workspace, body: ZCreateWebhookEndpointRequest, responses: { 201: json(z.looseObject({ endpoint: ZWebhookEndpointView, secret: z.string() }), 'Created') }, errors: [400, 404], examples: [{ summary: 'Comments to a chat bridge', path: { workspaceId: '{workspaceId}' }, body: { url: 'https://93.184.215.14/montage-hooks', events: ['comment.created'] }, status: 201 }] }),
  op({ method: 'PATCH', path: '/api/workspaces/{workspaceId}/webhooks/{endpointId}', tag: 'Webhooks', auth: 'admin', summary: 'Pause or resume an endpoint', params: P.workspace.extend({ endpointId: uuid('a webhook endpoint id') }), body: ZUpdateWebhookEndpointRequest, responses: { 200: json(z.object({ endpoint: ZWebhookEndpointView })) }, errors: [400, 404], examples: [{ summary: 'Pause', path: { workspaceId: '{workspaceId}', endpointId: '{endpointId}' }, body: { paused: true }, status: 200 }] }),
  op({ method: 'DELETE', path: '/api/workspaces/{workspaceId}/webhooks/{endpointId}', tag: 'Webhooks', auth: 'admin', summary: 'Delete an endpoint', params: P.workspace.extend({ endpointId: uuid('a webhook endpoint id') }), responses: { 200: json(z.object({ deleted: z.literal(true) })) }, errors: [400, 404], examples: [{ summary: 'Delete', path: { workspaceId: '{workspaceId}', endpointId: '{endpointId}' }, status: 200 }] }),
  op({ method: 'GET', path: '/api/workspaces/{workspaceId}/webhooks/{endpointId}/deliveries', tag: 'Webhooks', auth: 'admin', summary: "An endpoint's deliveries with their attempts", params: P.workspace.extend({ endpointId: uuid('a webhook endpoint id') }), responses: { 200: json(z.object({ deliveries: z.array(ZWebhookDeliveryView) })) }, errors: [400, 404], examples: [{ summary: 'Deliveries', path: { workspaceId: '{workspaceId}', endpointId: '{pausedEndpointId}' }, status: 200 }] }),
  op({ method: 'POST', path: '/api/workspaces/{workspaceId}/webhooks/deliveries/{deliveryId}/replay', tag: 'Webhooks', auth: 'admin', summary: 'Replay a delivery', params: P.workspace.extend({ deliveryId: uuid('a webhook delivery id') }), responses: { 202: json(z.object({ deliveryId: z.string() }), 'A new delivery started') }, errors: [400, 404], examples: [{ summary: 'Send it again', path: { workspaceId: '{workspaceId}', deliveryId: '{deliveryId}' }, status: 202 }] }),

  // Guest review
  op({ method: 'GET', path: '/api/r/{token}/info', tag: 'Guest review', auth: 'public', summary: "A review link's cover", params: P.token, responses: { 200: json(z.looseObject({ board: z.looseObject({ name: z.string() }), scope: z.string(), hasPassphrase: z.boolean(), expiresAt: z.string() })) }, errors: [404, 410] }),
  op({ method: 'POST', path: '/api/r/{token}/session', tag: 'Guest review', auth: 'public', summary: 'Open a review link as a guest', description: 'Sets the guest cookie the other guest routes read.', params: P.token, body: ZGuestSessionRequest, responses: { 201: json(z.object({ guest: z.looseObject({ name: z.string() }) }), 'Opened') }, errors: [400, 401, 404, 410, 429] }),
  op({ method: 'GET', path: '/api/r/{token}', tag: 'Guest review', auth: 'guest', summary: 'What the link shows', params: P.token, responses: { 200: json(z.looseObject({})) }, errors: [401, 404, 410] }),
  op({ method: 'GET', path: '/api/r/{token}/comments', tag: 'Guest review', auth: 'guest', summary: 'Comments in scope', params: P.token, query: z.object({ variationId: ZShapeId.optional() }), responses: { 200: json(z.object({ comments: z.array(ZCommentView) })) }, errors: [400, 401, 404, 410] }),
  op({ method: 'POST', path: '/api/r/{token}/comments', tag: 'Guest review', auth: 'guest', summary: 'Comment as a guest', params: P.token, body: ZGuestCreateCommentRequest, responses: { 201: json(z.object({ comment: ZCommentView }), 'Created') }, errors: [400, 401, 404, 410] }),
  op({ method: 'GET', path: '/api/r/{token}/assets/{sha256}', tag: 'Guest review', auth: 'guest', summary: 'Media in scope', params: P.token.extend({ sha256: ZSha256 }), responses: { 200: file('application/octet-stream', 'The bytes') }, errors: [401, 404, 410] }),
  op({ method: 'HEAD', path: '/api/r/{token}/assets/{sha256}', tag: 'Guest review', auth: 'guest', summary: 'Media headers in scope', params: P.token.extend({ sha256: ZSha256 }), responses: { 200: file('application/octet-stream', 'Headers only') }, errors: [401, 404, 410] }),
  op({ method: 'GET', path: '/api/r/{token}/assets/{sha256}/download', tag: 'Guest review', auth: 'guest', summary: 'Download in scope (when the link allows)', params: P.token.extend({ sha256: ZSha256 }), responses: { 200: file('application/octet-stream', 'The file, as an attachment') }, errors: [401, 403, 404, 410] }),
  op({ method: 'HEAD', path: '/api/r/{token}/assets/{sha256}/download', tag: 'Guest review', auth: 'guest', summary: 'Download headers in scope', params: P.token.extend({ sha256: ZSha256 }), responses: { 200: file('application/octet-stream', 'Headers only') }, errors: [401, 403, 404, 410] }),

  // The document itself
  op({ method: 'GET', path: '/api/openapi.json', tag: 'Account', auth: 'public', summary: 'This document (OpenAPI 3.1)', responses: { 200: json(z.looseObject({ openapi: z.string() })) } }),
]

const KEY_SCOPES = new Set<TApiAuth>(['read', 'generate', 'review', 'admin'])
/** Whether an API key may call the route (with that scope, or admin). */
export function keyCallable(route: TApiRoute): boolean {
  return KEY_SCOPES.has(route.auth)
}

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid; `error.field` names what was wrong',
  401: 'No valid session or key',
  402: 'Not enough credits',
  403: 'Not allowed (role or key scope)',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'Gone (expired, used or revoked)',
  413: 'Too large',
  415: 'Unsupported media type',
  429: 'Rate limited; `Retry-After` says when to try again',
  503: 'A dependency is unavailable; try again shortly',
}

type TJsonSchema = Record<string, unknown>

/** JSON Schema 2020-12 of a zod schema, as a request (`input`) or an answer (`output`) reads it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): TJsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as TJsonSchema
  return rest
}

function parametersOf(obj: z.ZodObject | undefined, where: 'path' | 'query'): TJsonSchema[] {
  if (!obj) return []
  const schema = jsonSchemaOf(obj, 'input') as { properties?: Record<string, TJsonSchema>; required?: string[] }
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (schema.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }))
}

/** `{boardId}` placeholders of an example, left as they are: the reader puts ids of their own there. */
function exampleUrl(route: TApiRoute, ex: TApiExample): string {
  const p = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => ex.path?.[name] ?? `{${name}}`)
  const q = new URLSearchParams(ex.query ?? {}).toString()
  return q ? `${p}?${q}` : p
}

/** The example's path and query with placeholders filled by `values` (unknown ones stay). */
export function fillExample(route: TApiRoute, ex: TApiExample, values: Record<string, string>): { url: string; body: unknown } {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m)
  const url = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(fill(ex.path?.[name] ?? `{${name}}`)))
  const q = new URLSearchParams(Object.fromEntries(Object.entries(ex.query ?? {}).map(([k, v]) => [k, fill(v)]))).toString()
  const body = ex.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(ex.body)))
  return { url: q ? `${url}?${q}` : url, body }
}

/** A curl line for an example (the reference page shows it). */
export function exampleCurl(route: TApiRoute, ex: TApiExample, base = 'https://montage.example'): string {
  const parts = [route.method === 'HEAD' ? 'curl -I' : route.method === 'GET' ? 'curl' : `curl -X ${route.method}`, `'${base}${exampleUrl(route, ex)}'`]
  if (keyCallable(route)) parts.push(`-H "Authorization: Bearer $MONTAGE_KEY"`)
  if (ex.bytes) parts.push(`-H 'Content-Type: ${ex.bytes.contentType}'`, '--data-binary @frame.png')
  else if (ex.body !== undefined) parts.push(`-H 'Content-Type: application/json'`, `-d '${JSON.stringify(ex.body)}'`)
  return parts.join(' \\\n  ')
}

function operationId(route: TApiRoute): string {
  const words = route.path
    .replace(/^\/api\//, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith('{') ? `By${w.slice(1, 2).toUpperCase()}${w.slice(2, -1)}` : w.slice(0, 1).toUpperCase() + w.slice(1)))
  return `${route.method.toLowerCase()}${words.join('')}`
}

/** The OpenAPI 3.1 document of `API_ROUTES`. */
export function buildOpenApiDocument(opts: { version?: string } = {}): TJsonSchema {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of API_ROUTES) {
    const authenticated = route.auth !== 'public'
    const errorStatuses = new Set([...(route.errors ?? []), ...(authenticated ? [401, 403] : []), ...(keyCallable(route) ? [429] : [])])
    const responses: Record<string, unknown> = {}
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = {
        description: r.description,
        content: r.schema ? { 'application/json': { schema: jsonSchemaOf(r.schema, 'output') } } : { [r.contentType ?? 'application/octet-stream']: { schema: { type: 'string', format: 'binary' } } },
      }
    }
    for (const status of [...errorStatuses].sort()) {
      responses[String(status)] = { description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
    }
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')]
    if (route.idempotent) {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'A retry with the same key answers the first result and starts (and charges) nothing new', schema: { type: 'string', maxLength: 255 } })
    }
    let requestBody: unknown
    if (route.body && 'raw' in route.body) {
      requestBody = { required: true, content: Object.fromEntries(route.body.raw.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) }
    } else if (route.body) {
      const examples = Object.fromEntries((route.examples ?? []).filter((e) => e.body !== undefined).map((e, i) => [`example${i + 1}`, { summary: e.summary, value: e.body }]))
      requestBody = { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body as z.ZodType, 'input'), ...(Object.keys(examples).length ? { examples } : {}) } } }
    }
    const security = route.auth === 'public' ? [] : route.auth === 'guest' ? [{ guestCookie: [] }] : route.auth === 'session' ? [{ sessionCookie: [] }] : [{ apiKey: [route.auth] }, { sessionCookie: [] }]
    const operation: Record<string, unknown> = {
      operationId: operationId(route),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security,
      'x-montage-auth': route.auth,
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
      ...(route.examples?.length ? { 'x-montage-examples': route.examples.map((e) => ({ summary: e.summary, status: e.status, request: exampleCurl(route, e) })) } : {}),
    }
    ;(paths[route.path] ??= {})[route.method.toLowerCase()] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Montage API',
      version: opts.version ?? '1',
      description:
        'The REST API of Montage. Send an API key (Settings → API keys) as `Authorization: Bearer mtg_…`; a key acts as the person who made it, within its scopes (`read`, `generate`, `review`, `admin`: admin covers all). Errors are `{ "error": { "code", "message", "field"? } }`. Lists page with `cursor` and `limit` and answer `{ items, nextCursor }`. Example requests use placeholders in braces (`{boardId}`, `{shotId}`, …) for ids of your own.',
    },
    servers: [{ url: '/' }],
    tags: API_TAGS.map((t) => ({ ...t })),
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(ZApiError, 'output') },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'mtg_…', description: 'A workspace API key; the scope the operation needs is listed.' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'montage_session', description: 'A signed-in browser session.' },
        guestCookie: { type: 'apiKey', in: 'cookie', name: 'montage_guest', description: "A review link's guest session (POST /api/r/{token}/session)." },
      },
    },
  }
}
