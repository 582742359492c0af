import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { networkInterfaces } from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  createBoard,
  createBoardCheckpoint,
  createApiKey,
  createWebhookEndpoint,
  createComment,
  createLibraryReference,
  createOwnerAccount,
  createReviewLink,
  createWorkspace,
  createWorkspaceInvite,
  loadBoardUpdates,
  recordWebhookEvent,
  revokeApiKey,
  upsertUser,
} from '@montage/db'
import { createPasswordHasher } from '@montage/auth'
import { freePort, startAppProcesses } from '@montage/infra'
import { REPO_ROOT, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, signInCookie, type SucceededVariation } from './review-fixtures'

/**
 * Every API route × method × who is asking → allowed or refused. The routes come from the
 * filesystem, so a new route without a row here fails the first test: read it and add its row.
 */

const PEOPLE = ['owner', 'producer', 'editor', 'reviewer', 'outsider', 'anonymous'] as const
/**
 * API keys (`Authorization: Bearer`, no cookie): the owner's with each scope, a reviewer's admin key
 * (a key never exceeds its creator's role), an admin key of another workspace, and a revoked one.
 */
const KEYS = ['key_read', 'key_generate', 'key_review', 'key_admin', 'key_reviewer', 'key_other', 'key_revoked'] as const
const ACTORS = [...PEOPLE, ...KEYS] as const
type Person = (typeof PEOPLE)[number]
type KeyActor = (typeof KEYS)[number]
type Actor = Person | KeyActor
type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

const EVERYONE: readonly Actor[] = ACTORS
const SIGNED_IN: readonly Actor[] = ['owner', 'producer', 'editor', 'reviewer', 'outsider']
const MEMBERS: readonly Actor[] = ['owner', 'producer', 'editor', 'reviewer']
const EDITORS: readonly Actor[] = ['owner', 'producer', 'editor']
const PRODUCERS: readonly Actor[] = ['owner', 'producer']
const NOBODY: readonly Actor[] = []

interface Fixtures {
  boardId: string
  workspaceId: string
  shotId: string
  variation: SucceededVariation
  /** A plate asset of the demo workspace. */
  plateSha256: string
  checkpointId: string
  /** Written by the reviewer: authors may resolve their own comments. */
  reviewerCommentId: string
  linkToken: string
  /** A fresh link per request, for requests that use one up (revoke). */
  newLinkId(): Promise<string>
  /** Asset row ids (the library speaks ids) of the plate and of the variation's poster. */
  plateAssetId: string
  posterAssetId: string
  /** A signed URL of the plate, made by the owner through /api/assets/sign. */
  signedPlatePath: string
  /** A fresh library reference per request (a reference holds at most 3 views). */
  newReferenceId(): Promise<string>
  /** A password account (of a studio of its own) that anyone may sign in as. */
  account: { email: string; password: string }
  /** A fresh invite link's token to the invite studio (nobody here is a member of it), per request. */
  newInviteToken(): Promise<string>
  /** A fresh invite of the demo studio, per request (for requests that revoke one). */
  newInviteId(): Promise<string>
  /** A fresh session of that actor, per request (for requests that end one); a random id for the signed-out caller. */
  newSessionId(actor: Actor): Promise<string>
  /** A fresh session cookie of that actor (sign-out ends it, not the one the other rows use). */
  throwawayCookie(actor: Actor): Promise<string | undefined>
  /** A fresh API key of the demo studio, per request (for requests that revoke one). */
  newApiKeyId(): Promise<string>
  /** A fresh webhook endpoint of the demo studio, per request (for requests that change or delete one). */
  newWebhookEndpointId(): Promise<string>
  /** A delivery of an event to a paused endpoint of the demo studio (replayable). */
  webhookDeliveryId: string
}

interface Req {
  path: string
  body?: unknown
  /** Raw bytes instead of JSON. */
  bytes?: Uint8Array<ArrayBuffer>
  headers?: Record<string, string>
  /** Sent instead of the actor's usual session cookie. */
  cookie?: string
}

interface Rule {
  /** Who gets through. */
  allow: readonly Actor[]
  /** The statuses an allowed caller gets (a 409 on a finished generation still passed the access check). */
  ok: readonly number[]
  /** What a refused caller gets, where not the default (signed out 401, anyone else 403). */
  denied?: Partial<Record<Person, number>>
  /**
   * What an API key needs here (see KEY_SCOPE_NEEDS): a scope, `person` where only a signed-in
   * person may (keys 403), or `open` where the route reads no session (keys fare as the signed-out).
   * Default: `read` for GET and HEAD.
   */
  key?: 'read' | 'generate' | 'review' | 'admin' | 'person' | 'open'
  request(fx: Fixtures, actor: Actor): Req | Promise<Req>
}

/** One pixel PNG, for uploads. */
const PNG_1PX = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'))

/** Guest routes are opened by a link's guest cookie, which no caller here holds. */
const GUEST_ONLY: Rule = { key: 'open', allow: NOBODY, ok: [200], denied: { anonymous: 401, owner: 401, producer: 401, editor: 401, reviewer: 401, outsider: 401 }, request: (fx) => ({ path: `/api/r/${fx.linkToken}` }) }

const MATRIX: Record<string, Partial<Record<Method, Rule>>> = {
  // The demo sign-in (this stack runs in demo mode on loopback; beyond loopback it is refused: the last describe).
  'auth/local/sign-in': { POST: { key: 'open', allow: EVERYONE, ok: [200], request: () => ({ path: '/api/auth/local/sign-in', body: { name: 'Walk-in' } }) } },
  'auth/sign-out': { POST: { key: 'open', allow: EVERYONE, ok: [200], request: async (fx, a) => ({ path: '/api/auth/sign-out', cookie: await fx.throwawayCookie(a) }) } },
  // Accounts: the password is the capability (whoever asks); sign-up here comes through an invite.
  'auth/sign-in': { POST: { key: 'open', allow: EVERYONE, ok: [200], request: (fx) => ({ path: '/api/auth/sign-in', body: { email: fx.account.email, password: fx.account.password } }) } },
  'auth/sign-up': {
    POST: { key: 'open', allow: EVERYONE, ok: [201], request: async (fx, a) => ({ path: '/api/auth/sign-up', body: { name: `Invited ${a}`, email: `${a}-${randomUUID().slice(0, 8)}@matrix.test`, password: 'a matrix password', inviteToken: await fx.newInviteToken() } }) },
  },
  'auth/sessions': { GET: { key: 'person', allow: SIGNED_IN, ok: [200], request: () => ({ path: '/api/auth/sessions' }) } },
  'auth/sessions/[sessionId]': { DELETE: { key: 'person', allow: SIGNED_IN, ok: [200], request: async (fx, a) => ({ path: `/api/auth/sessions/${await fx.newSessionId(a)}` }) } },
  'workspaces/[workspaceId]/invites': {
    GET: { key: 'admin', allow: ['owner'], ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/invites` }) },
    POST: { key: 'admin', allow: ['owner'], ok: [201], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/invites`, body: { role: 'editor' } }) },
  },
  'invites/[inviteId]': { DELETE: { key: 'admin', allow: ['owner'], ok: [200], denied: { outsider: 404 }, request: async (fx) => ({ path: `/api/invites/${await fx.newInviteId()}` }) } },
  // The token is the capability; any signed-in person joins with it.
  'invites/accept': { POST: { key: 'person', allow: SIGNED_IN, ok: [200], request: async (fx) => ({ path: '/api/invites/accept', body: { token: await fx.newInviteToken() } }) } },
  me: { GET: { allow: SIGNED_IN, ok: [200], request: () => ({ path: '/api/me' }) } },
  // Email preferences (issue 18): each person their own; keys refused.
  'me/notifications': {
    GET: { key: 'person', allow: SIGNED_IN, ok: [200], request: () => ({ path: '/api/me/notifications' }) },
    PUT: { key: 'person', allow: SIGNED_IN, ok: [200], request: () => ({ path: '/api/me/notifications', body: { email: 'all' } }) },
  },
  uploads: { POST: { key: 'generate', allow: EDITORS, ok: [201], request: (fx) => ({ path: `/api/uploads?boardId=${fx.boardId}`, bytes: PNG_1PX, headers: { 'content-type': 'image/png' } }) } },
  boards: {
    GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/boards?workspaceId=${fx.workspaceId}&limit=2` }) },
    POST: { key: 'generate', allow: EDITORS, ok: [201], denied: { outsider: 404 }, request: (fx) => ({ path: '/api/boards', body: { workspaceId: fx.workspaceId, name: 'Matrix board' } }) },
  },
  'boards/[boardId]': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}` }) },
    // Restoring a board that is not archived changes nothing: the access check is what is tried.
    PATCH: { key: 'admin', allow: PRODUCERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}`, body: { archived: false } }) },
    // Not the board's name: an owner passes the access check and gets 400 (workspace-admin.test.ts deletes one).
    DELETE: { key: 'admin', allow: ['owner'], ok: [400], request: (fx) => ({ path: `/api/boards/${fx.boardId}`, body: { confirmName: 'not its name' } }) },
  },
  // Budgets: whoever may see the credits reads them; owners and producers set them (null clears, so the fixtures keep none).
  'boards/[boardId]/budget': {
    GET: { allow: EDITORS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/budget` }) },
    PUT: { key: 'admin', allow: PRODUCERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/budget`, body: { budget: null } }) },
  },
  'workspaces/[workspaceId]/approval-threshold': {
    GET: { allow: EDITORS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/approval-threshold` }) },
    PUT: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/approval-threshold`, body: { threshold: null } }) },
  },
  // The fixture's generation never waited: an owner or producer passes the access check and gets 409 (budgets.test.ts decides real ones).
  'generations/[id]/approval': { POST: { key: 'admin', allow: PRODUCERS, ok: [409], request: (fx) => ({ path: `/api/generations/${fx.variation.generationId}/approval`, body: { decision: 'refuse' } }) } },
  'boards/[boardId]/duplicate': { POST: { key: 'admin', allow: PRODUCERS, ok: [201], request: (fx, a) => ({ path: `/api/boards/${fx.boardId}/duplicate`, body: { name: `Copy by ${a}` } }) } },
  // Nobody of that id is a member: an owner passes the access check and gets 404 (workspace-admin.test.ts changes and removes real members).
  'workspaces/[workspaceId]/members/[userId]': {
    PATCH: { key: 'admin', allow: ['owner'], ok: [404], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/members/${randomUUID()}`, body: { role: 'editor' } }) },
    DELETE: { key: 'admin', allow: ['owner'], ok: [404], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/members/${randomUUID()}` }) },
  },
  // Reviewers are not shown the workspace's money.
  'workspaces/[workspaceId]/credits': { GET: { allow: EDITORS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/credits` }) } },
  'boards/[boardId]/checkpoints': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/checkpoints` }) },
    POST: { key: 'generate', allow: EDITORS, ok: [201, 202], request: (fx, a) => ({ path: `/api/boards/${fx.boardId}/checkpoints`, body: { name: `by ${a}` } }) },
  },
  'boards/[boardId]/checkpoints/[checkpointId]/restore': {
    POST: { key: 'generate', allow: EDITORS, ok: [202], request: (fx) => ({ path: `/api/boards/${fx.boardId}/checkpoints/${fx.checkpointId}/restore` }) },
  },
  'boards/[boardId]/comments': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/comments` }) },
    POST: { key: 'review', allow: MEMBERS, ok: [201], request: (fx, a) => ({ path: `/api/boards/${fx.boardId}/comments`, body: { variationId: fx.variation.variationId, body: `A note from the ${a}`, timeSeconds: 0.5 } }) },
  },
  'comments/[commentId]': {
    PATCH: { key: 'review', allow: ['owner', 'producer', 'reviewer'], ok: [200], request: (fx) => ({ path: `/api/comments/${fx.reviewerCommentId}`, body: { resolved: true } }) },
  },
  'boards/[boardId]/members': { GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/members` }) } },
  'boards/[boardId]/variations/[variationId]/decision': {
    POST: { key: 'review', allow: PRODUCERS, ok: [201], request: (fx) => ({ path: `/api/boards/${fx.boardId}/variations/${fx.variation.variationId}/decision`, body: { decision: 'approved' } }) },
  },
  'boards/[boardId]/decisions': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/decisions?variationId=${encodeURIComponent(fx.variation.variationId)}&limit=5` }) },
  },
  'boards/[boardId]/assets': { GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/assets?role=upload&limit=5` }) } },
  'boards/[boardId]/variations/[variationId]/decisions': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/variations/${fx.variation.variationId}/decisions` }) },
  },
  'boards/[boardId]/activity': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/activity?variationId=${encodeURIComponent(fx.variation.variationId)}` }) },
  },
  'workspaces/[workspaceId]/activity': { GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/activity?limit=5` }) } },
  'workspaces/[workspaceId]/activity/export': { GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/activity/export?kind=comment` }) } },
  'boards/[boardId]/review-links': {
    GET: { key: 'admin', allow: PRODUCERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/review-links` }) },
    POST: { key: 'admin', allow: PRODUCERS, ok: [201], request: (fx) => ({ path: `/api/boards/${fx.boardId}/review-links`, body: { scope: 'shot', shotId: fx.shotId, expiresInHours: 24 } }) },
  },
  'review-links/[linkId]': { DELETE: { key: 'admin', allow: PRODUCERS, ok: [200], request: async (fx) => ({ path: `/api/review-links/${await fx.newLinkId()}` }) } },
  'generations': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/generations?boardId=${fx.boardId}&status=succeeded&limit=2` }) },
    POST: {
      key: 'generate', allow: EDITORS, ok: [202],
      request: (fx) => ({ path: '/api/generations', body: { boardId: fx.boardId, shotId: fx.shotId, model: 'previz', params: { duration: 2 }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: fx.plateSha256 }] } }),
    },
  },
  // No sequence of that id on the board: allowed callers pass the access check and get 400 naming the problem.
  'sequences/render': {
    POST: { key: 'generate', allow: EDITORS, ok: [400], request: (fx) => ({ path: '/api/sequences/render', body: { boardId: fx.boardId, sequenceId: 'shape:matrix-sequence', variationId: 'shape:matrix-render' } }) },
  },
  // A finished generation: allowed callers pass the access check and get 409 (nothing to cancel or retry).
  'generations/[id]/cancel': { POST: { key: 'generate', allow: EDITORS, ok: [409], request: (fx) => ({ path: `/api/generations/${fx.variation.generationId}/cancel` }) } },
  'generations/[id]/retry': { POST: { key: 'generate', allow: EDITORS, ok: [409], request: (fx) => ({ path: `/api/generations/${fx.variation.generationId}/retry`, body: {} }) } },
  // The workspace's library and asset views (a non-member learns nothing: 404).
  'assets/by-id/[assetId]': { GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/assets/by-id/${fx.plateAssetId}` }) } },
  'assets/lookup': { GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/assets/lookup?boardId=${fx.boardId}&sha256=${fx.plateSha256}` }) } },
  'assets/sign': { POST: { key: 'read', allow: MEMBERS, ok: [200], request: (fx) => ({ path: '/api/assets/sign', body: { boardId: fx.boardId, sha256s: [fx.plateSha256] } }) } },
  // A file with its Content Credentials, as an attachment: any member who may view the board.
  'assets/[sha256]/download': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/assets/${fx.plateSha256}/download?boardId=${fx.boardId}` }) },
    HEAD: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/assets/${fx.plateSha256}/download?boardId=${fx.boardId}` }) },
  },
  // A signed URL is its own capability: no cookie needed, whoever holds it (the cross-tenant test tries it unsigned).
  'media/[sha256]': {
    GET: { key: 'open', allow: EVERYONE, ok: [200], request: (fx) => ({ path: fx.signedPlatePath }) },
    HEAD: { key: 'open', allow: EVERYONE, ok: [200], request: (fx) => ({ path: fx.signedPlatePath }) },
  },
  'workspaces/[workspaceId]/references': {
    GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/references` }) },
    POST: { key: 'generate', allow: EDITORS, ok: [201], denied: { outsider: 404 }, request: (fx, a) => ({ path: `/api/workspaces/${fx.workspaceId}/references`, body: { tag: `matrix_${a}`, kind: 'location', assetIds: [fx.plateAssetId] } }) },
  },
  'references/[referenceId]/views': {
    POST: { key: 'generate', allow: EDITORS, ok: [201], denied: { outsider: 404 }, request: async (fx) => ({ path: `/api/references/${await fx.newReferenceId()}/views`, body: { assetId: fx.posterAssetId } }) },
  },
  'references/promote': {
    POST: { key: 'generate', allow: EDITORS, ok: [201], request: (fx, a) => ({ path: '/api/references/promote', body: { boardId: fx.boardId, variationId: fx.variation.variationId, tag: `promoted_${a}`, kind: 'style' } }) },
  },
  'generations/[id]/edit': {
    POST: { key: 'generate', allow: EDITORS, ok: [202], request: (fx) => ({ path: `/api/generations/${fx.variation.generationId}/edit`, body: { model: 'upscale', params: { factor: 2 } } }) },
  },
  // An edit of any asset of the workspace (here the demo plate, an upload).
  edits: {
    POST: { key: 'generate', allow: EDITORS, ok: [202], request: (fx) => ({ path: '/api/edits', body: { boardId: fx.boardId, source: { kind: 'asset', sha256: fx.plateSha256 }, model: 'upscale', params: { factor: 2 } } }) },
  },
  // Delivery: any member downloads. The sequence here is not on the board, so a member passes the
  // access check and gets 404; delivery-package.test.ts downloads a real one (and refuses an outsider).
  'sequences/[sequenceId]/package': { GET: { allow: MEMBERS, ok: [404], request: (fx) => ({ path: `/api/sequences/shape%3Amatrix-seq/package?boardId=${fx.boardId}` }) } },
  'sequences/[sequenceId]/export': { GET: { allow: MEMBERS, ok: [404], request: (fx) => ({ path: `/api/sequences/shape%3Amatrix-seq/export?boardId=${fx.boardId}&format=otio` }) } },
  feed: { GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/feed?workspaceId=${fx.workspaceId}` }) } },
  // Search (issue 18): anyone who reads the workspace's boards, and a read key.
  search: { GET: { key: 'read', allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/search?workspaceId=${fx.workspaceId}&q=matrix` }) } },
  'feed/read': { POST: { key: 'read', allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: '/api/feed/read', body: { workspaceId: fx.workspaceId } }) } },
  // The public API (issue 14): keys are made and revoked by owners and producers; lists page by cursor.
  'workspaces/[workspaceId]/api-keys': {
    GET: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/api-keys` }) },
    POST: { key: 'admin', allow: PRODUCERS, ok: [201], denied: { outsider: 404 }, request: (fx, a) => ({ path: `/api/workspaces/${fx.workspaceId}/api-keys`, body: { name: `by ${a}`, scopes: ['read'] } }) },
  },
  'api-keys/[keyId]': { DELETE: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: async (fx) => ({ path: `/api/api-keys/${await fx.newApiKeyId()}` }) } },
  // Webhooks: owners and producers (and admin keys); a public address, never contacted here.
  'workspaces/[workspaceId]/webhooks': {
    GET: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/webhooks` }) },
    POST: { key: 'admin', allow: PRODUCERS, ok: [201], denied: { outsider: 404 }, request: (fx, a) => ({ path: `/api/workspaces/${fx.workspaceId}/webhooks`, body: { url: `https://93.184.215.14/montage/${a}`, events: ['comment.created'] } }) },
  },
  'workspaces/[workspaceId]/webhooks/[endpointId]': {
    PATCH: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: async (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/webhooks/${await fx.newWebhookEndpointId()}`, body: { paused: true } }) },
    DELETE: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: async (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/webhooks/${await fx.newWebhookEndpointId()}` }) },
  },
  'workspaces/[workspaceId]/webhooks/[endpointId]/deliveries': {
    GET: { key: 'admin', allow: PRODUCERS, ok: [200], denied: { outsider: 404 }, request: async (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/webhooks/${await fx.newWebhookEndpointId()}/deliveries` }) },
  },
  'workspaces/[workspaceId]/webhooks/deliveries/[deliveryId]/replay': {
    POST: { key: 'admin', allow: PRODUCERS, ok: [202], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/webhooks/deliveries/${fx.webhookDeliveryId}/replay` }) },
  },
  'workspaces/[workspaceId]/assets': { GET: { allow: MEMBERS, ok: [200], denied: { outsider: 404 }, request: (fx) => ({ path: `/api/workspaces/${fx.workspaceId}/assets?limit=5` }) } },
  'boards/[boardId]/shots': {
    GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/shots` }) },
    POST: { key: 'generate', allow: EDITORS, ok: [201], request: (fx, a) => ({ path: `/api/boards/${fx.boardId}/shots`, body: { title: `Shot by ${a}` } }) },
  },
  'boards/[boardId]/variations': { GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/variations?shotId=${fx.shotId}` }) } },
  'boards/[boardId]/sequences': { GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/boards/${fx.boardId}/sequences` }) } },
  'generations/[id]': { GET: { allow: MEMBERS, ok: [200], request: (fx) => ({ path: `/api/generations/${fx.variation.generationId}` }) } },
  // The API's own description (issue 14): public, it grants nothing.
  'openapi.json': { GET: { key: 'open', allow: EVERYONE, ok: [200], request: () => ({ path: '/api/openapi.json' }) } },
  // Guest routes: the link token is the capability; a session cookie opens nothing here.
  'r/[token]/info': { GET: { key: 'open', allow: EVERYONE, ok: [200], request: (fx) => ({ path: `/api/r/${fx.linkToken}/info` }) } },
  'r/[token]/session': { POST: { key: 'open', allow: EVERYONE, ok: [201], request: (fx) => ({ path: `/api/r/${fx.linkToken}/session`, body: { name: 'Visitor' } }) } },
  'r/[token]': { GET: GUEST_ONLY },
  'r/[token]/comments': {
    GET: { ...GUEST_ONLY, request: (fx) => ({ path: `/api/r/${fx.linkToken}/comments` }) },
    POST: { ...GUEST_ONLY, request: (fx) => ({ path: `/api/r/${fx.linkToken}/comments`, body: { variationId: fx.variation.variationId, body: 'hi' } }) },
  },
  'r/[token]/assets/[sha256]': {
    GET: { ...GUEST_ONLY, request: (fx) => ({ path: `/api/r/${fx.linkToken}/assets/${fx.variation.assetSha256}` }) },
    HEAD: { ...GUEST_ONLY, request: (fx) => ({ path: `/api/r/${fx.linkToken}/assets/${fx.variation.assetSha256}` }) },
  },
  'r/[token]/assets/[sha256]/download': {
    GET: { ...GUEST_ONLY, request: (fx) => ({ path: `/api/r/${fx.linkToken}/assets/${fx.variation.assetSha256}/download` }) },
    HEAD: { ...GUEST_ONLY, request: (fx) => ({ path: `/api/r/${fx.linkToken}/assets/${fx.variation.assetSha256}/download` }) },
  },
}

/** Who made each key actor's key, and its scopes. */
const KEY_ACTORS: Record<KeyActor, { creator: Exclude<Person, 'anonymous'>; scopes: readonly ('read' | 'generate' | 'review' | 'admin')[] }> = {
  key_read: { creator: 'owner', scopes: ['read'] },
  key_generate: { creator: 'owner', scopes: ['generate'] },
  key_review: { creator: 'owner', scopes: ['review'] },
  key_admin: { creator: 'owner', scopes: ['admin'] },
  key_reviewer: { creator: 'reviewer', scopes: ['admin'] },
  key_other: { creator: 'outsider', scopes: ['admin'] },
  key_revoked: { creator: 'owner', scopes: ['admin'] },
}

/**
 * What an actor gets from a rule. A person: the rule's own answer. A key acts as its creator and
 * no further than its scopes (admin: all the creator may): allowed when the rule lets the creator
 * in and a scope covers the route's need; refused with the creator's refusal, or 403 for the scope.
 * A revoked key fares as the signed-out caller everywhere, and a key of another workspace as its
 * outsider creator; routes that read no session (`open`) treat every key as signed out.
 */
function expectedStatuses(rule: Rule, method: Method, actor: Actor): readonly number[] {
  const person = (p: Person) => (rule.allow.includes(p) ? rule.ok : [rule.denied?.[p] ?? (p === 'anonymous' ? 401 : 403)])
  if (!(KEYS as readonly string[]).includes(actor)) return person(actor as Person)
  const need = rule.key ?? (method === 'GET' || method === 'HEAD' ? 'read' : undefined)
  if (!need) throw new Error(`a ${method} rule needs its key scope ('key: …')`)
  if (need === 'open' || actor === 'key_revoked') return person('anonymous')
  if (need === 'person') return [403]
  const { creator, scopes } = KEY_ACTORS[actor as KeyActor]
  if (!rule.allow.includes(creator)) return person(creator)
  const covered = need === 'read' || scopes.includes('admin') || (scopes as readonly string[]).includes(need)
  return covered ? rule.ok : [403]
}

const API_DIR = path.join(REPO_ROOT, 'web/app/api')

/** Every `route.ts` under web/app/api with the methods it exports. */
async function apiRoutes(): Promise<{ route: string; methods: Method[] }[]> {
  const out: { route: string; methods: Method[] }[] = []
  for (const entry of await readdir(API_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^route\.(ts|tsx|js)$/.test(entry.name)) continue
    const file = path.join(entry.parentPath, entry.name)
    const text = await readFile(file, 'utf8')
    const methods = [...text.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1] as Method)
    out.push({ route: path.relative(API_DIR, entry.parentPath).split(path.sep).join('/'), methods: [...new Set(methods)].sort() })
  }
  return out.sort((a, b) => a.route.localeCompare(b.route))
}

let stack: E2EStack
let fx: Fixtures
const cookies = new Map<Actor, string>()
/** Each key actor's `mtg_…` key. */
const bearers = new Map<Actor, string>()
const tokens = new Map<Actor, string>()
let outsiderBoardId: string

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
  const sql = stack.sql
  for (const [actor, subject] of [['owner', 'local:sam'], ['producer', 'local:ada'], ['editor', 'local:ben'], ['reviewer', 'local:rui']] as const) {
    const s = await signInCookie(stack, subject)
    cookies.set(actor, s.cookie)
    tokens.set(actor, s.token)
  }
  // A second studio with its own board and members; its owner is the outsider of the demo studio.
  const olga = await upsertUser(sql, { authSubject: 'local:olga', name: 'Olga Other' })
  const otto = await upsertUser(sql, { authSubject: 'local:otto', name: 'Otto Other' })
  const other = await createWorkspace(sql, { name: 'Other Studio', ownerId: olga.id })
  await addMember(sql, { workspaceId: other.id, userId: otto.id, role: 'reviewer' })
  outsiderBoardId = (await createBoard(sql, { workspaceId: other.id, name: 'Other board', createdBy: olga.id })).id
  const outsider = await signInCookie(stack, 'local:olga')
  cookies.set('outsider', outsider.cookie)
  tokens.set('outsider', outsider.token)

  const [sam] = await sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:sam'`
  const [rui] = await sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:rui'`
  const shotId = 'shape:demo-shot-1'
  const variation = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId, createdBy: sam!.id })
  const [plate] = await sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type = 'image/png' ORDER BY created_at LIMIT 1`
  // A checkpoint of the current board, so restoring it changes nothing the other rows rely on.
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.mergeUpdates(await loadBoardUpdates(sql, stack.boardId)))
  const checkpoint = await createBoardCheckpoint(sql, { boardId: stack.boardId, name: 'Matrix', snapshot: Y.encodeStateAsUpdate(doc), createdBy: sam!.id })
  // A paused endpoint: the event is recorded for it (skipped) and never sent, and replay starts a delivery.
  const { endpoint: hook } = await createWebhookEndpoint(sql, { workspaceId: stack.workspaceId, url: 'https://93.184.215.14/replayed', events: ['generation.failed'], createdBy: sam!.id })
  await sql`UPDATE webhook_endpoints SET paused_at = now() WHERE id = ${hook.id}`
  await recordWebhookEvent(sql, { id: `matrix-${randomUUID()}`, type: 'generation.failed', workspaceId: stack.workspaceId, createdAt: new Date().toISOString(), data: { generationId: randomUUID(), boardId: stack.boardId, shotId: 'shape:demo-shot-1', variationId: 'shape:matrix', model: 'previz', error: 'matrix' } })
  const [delivery] = await sql<{ id: string }[]>`SELECT id FROM webhook_deliveries WHERE endpoint_id = ${hook.id}`
  const webhookDeliveryId = delivery!.id
  const comment = await createComment(sql, { boardId: stack.boardId, variationId: variation.variationId, author: { id: rui!.id, name: 'Rui Tanaka' }, body: 'Mine to resolve', mentions: [] })
  const link = await createReviewLink(sql, { boardId: stack.boardId, scope: 'board', expiresInHours: 24, createdBy: sam!.id })
  const assetId = async (sha256: string) => (await sql<{ id: string }[]>`SELECT id FROM assets WHERE workspace_id = ${stack.workspaceId} AND sha256 = ${sha256}`)[0]!.id
  const plateAssetId = await assetId(plate!.sha256)
  const signed = await fetch(`${stack.baseUrl}/api/assets/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookies.get('owner')! },
    body: JSON.stringify({ boardId: stack.boardId, sha256s: [plate!.sha256] }),
  })
  const signedUrl = new URL(((await signed.json()) as { urls: Record<string, string> }).urls[plate!.sha256]!, stack.baseUrl)
  let references = 0
  const account = { email: `account-${randomUUID().slice(0, 8)}@matrix.test`, password: 'the account password' }
  await createOwnerAccount(sql, { name: 'Account Holder', email: account.email, passwordHash: await createPasswordHasher().hash(account.password), workspaceName: 'Account studio', credits: 0, onlyIfFirst: false })
  // Owned by someone who is none of the actors, so every actor can join it.
  const ivy = await upsertUser(sql, { authSubject: 'local:ivy', name: 'Ivy Inviter' })
  const inviteStudio = await createWorkspace(sql, { name: 'Invite Studio', ownerId: ivy.id })
  const subjects: Record<Exclude<Person, 'anonymous'>, string> = { owner: 'local:sam', producer: 'local:ada', editor: 'local:ben', reviewer: 'local:rui', outsider: 'local:olga' }
  const isPerson = (a: Actor): a is Exclude<Person, 'anonymous'> => a in subjects
  for (const actor of KEYS) {
    const { creator, scopes } = KEY_ACTORS[actor]
    const [u] = await sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = ${subjects[creator]}`
    const { key, secret } = await createApiKey(sql, { workspaceId: creator === 'outsider' ? other.id : stack.workspaceId, name: actor, scopes: [...scopes], createdBy: u!.id })
    if (actor === 'key_revoked') await revokeApiKey(sql, { keyId: key.id, by: u!.id })
    bearers.set(actor, secret)
  }
  fx = {
    boardId: stack.boardId,
    workspaceId: stack.workspaceId,
    shotId,
    variation,
    plateSha256: plate!.sha256,
    checkpointId: checkpoint.id,
    reviewerCommentId: comment!.id,
    linkToken: link.token,
    plateAssetId,
    posterAssetId: await assetId(variation.posterSha256),
    signedPlatePath: signedUrl.pathname + signedUrl.search,
    newReferenceId: async () => (await createLibraryReference(sql, { workspaceId: stack.workspaceId, tag: `viewed_${++references}`, kind: 'character', name: '', assetIds: [plateAssetId], createdBy: sam!.id })).id,
    newLinkId: async () => (await createReviewLink(sql, { boardId: stack.boardId, scope: 'board', expiresInHours: 1, createdBy: sam!.id })).link.id,
    account,
    newInviteToken: async () => (await createWorkspaceInvite(sql, { workspaceId: inviteStudio.id, role: 'reviewer', expiresInHours: 1, maxUses: 1, createdBy: ivy.id })).token,
    newInviteId: async () => (await createWorkspaceInvite(sql, { workspaceId: stack.workspaceId, role: 'reviewer', expiresInHours: 1, maxUses: 1, createdBy: sam!.id })).invite.id,
    newSessionId: async (actor) => (isPerson(actor) ? sessionIdOf((await signInCookie(stack, subjects[actor])).token) : randomUUID()),
    throwawayCookie: async (actor) => (isPerson(actor) ? (await signInCookie(stack, subjects[actor])).cookie : undefined),
    newApiKeyId: async () => (await createApiKey(sql, { workspaceId: stack.workspaceId, name: 'Revoke me', scopes: ['read'], createdBy: sam!.id })).key.id,
    newWebhookEndpointId: async () => (await createWebhookEndpoint(sql, { workspaceId: stack.workspaceId, url: 'https://93.184.215.14/matrix', events: ['decision.recorded'], createdBy: sam!.id })).endpoint.id,
    webhookDeliveryId,
  }
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

/** The `sid` claim of a session token (the session row it belongs to). */
function sessionIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid
}

async function call(method: Method, req: Req, cookie: string | undefined, bearer?: string): Promise<number> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) }
  const sessionCookie = req.cookie ?? cookie
  if (sessionCookie) headers.cookie = sessionCookie
  if (bearer) headers.authorization = `Bearer ${bearer}`
  let body: BodyInit | undefined
  if (req.bytes) body = req.bytes
  else if (req.body !== undefined) {
    body = JSON.stringify(req.body)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(`${stack.baseUrl}${req.path}`, { method, headers, body, redirect: 'manual' })
  await res.arrayBuffer().catch(() => undefined)
  return res.status
}

describe('authorization matrix', () => {
  it('has a row for every route file and every method it exports, and no row for a route that is gone', async () => {
    const routes = await apiRoutes()
    const missing = routes.flatMap((r) => r.methods.filter((m) => !MATRIX[r.route]?.[m]).map((m) => `${m} ${r.route}`))
    const stale = Object.entries(MATRIX).flatMap(([route, methods]) =>
      Object.keys(methods).filter((m) => !routes.some((r) => r.route === route && r.methods.includes(m as Method))).map((m) => `${m} ${route}`),
    )
    expect(missing, 'routes without a matrix row: read each and add its row').toEqual([])
    expect(stale, 'matrix rows for routes or methods that no longer exist').toEqual([])
  })

  it('allows and refuses each role of the workspace, a member of another workspace and a signed-out caller as the matrix says', async () => {
    const wrong: string[] = []
    let checked = 0
    for (const { route, methods } of await apiRoutes()) {
      for (const method of methods) {
        const rule = MATRIX[route]?.[method]
        if (!rule) continue
        for (const actor of ACTORS) {
          const expected = expectedStatuses(rule, method, actor)
          const status = await call(method, await rule.request(fx, actor), cookies.get(actor), bearers.get(actor))
          checked++
          if (!expected.includes(status)) wrong.push(`${method} ${route} as ${actor}: got ${status}, expected ${expected.join(' or ')}`)
        }
      }
    }
    expect(checked).toBeGreaterThan(600)
    expect(wrong).toEqual([])
  }, 900_000)

  it("lets a member of the other workspace into their own board, and keeps the demo studio's producer out of it", async () => {
    expect(await call('GET', { path: `/api/boards/${outsiderBoardId}` }, cookies.get('outsider'))).toBe(200)
    expect(await call('GET', { path: `/api/boards/${outsiderBoardId}/comments` }, cookies.get('outsider'))).toBe(200)
    expect(await call('GET', { path: `/api/boards/${outsiderBoardId}` }, cookies.get('producer'))).toBe(403)
    expect(await call('POST', { path: `/api/boards/${outsiderBoardId}/review-links`, body: { scope: 'board', expiresInHours: 1 } }, cookies.get('producer'))).toBe(403)
    // A media URL without its signature, or signed for another asset, serves nothing.
    const [sha] = fx.signedPlatePath.replace(/^\/api\/media\//, '').split('?')
    expect([401, 403, 404]).toContain(await call('GET', { path: `/api/media/${sha}` }, cookies.get('owner')))
    expect([401, 403, 404]).toContain(await call('GET', { path: fx.signedPlatePath.replace(sha!, fx.variation.assetSha256) }, undefined))
  })
})

describe('authorization matrix: sessions and invites belong to their owners', () => {
  it("answers 404 to ending someone else's session (which stays live) and to revoking another studio's invite", async () => {
    const ben = await signInCookie(stack, 'local:ben')
    expect(await call('DELETE', { path: `/api/auth/sessions/${sessionIdOf(ben.token)}` }, cookies.get('owner'))).toBe(404)
    expect(await call('GET', { path: '/api/me' }, ben.cookie)).toBe(200)
    const [olga] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:olga'`
    const [other] = await stack.sql<{ id: string }[]>`SELECT workspace_id AS id FROM memberships WHERE user_id = ${olga!.id} AND role = 'owner' LIMIT 1`
    const theirs = await createWorkspaceInvite(stack.sql, { workspaceId: other!.id, role: 'editor', expiresInHours: 1, maxUses: 1, createdBy: olga!.id })
    expect(await call('DELETE', { path: `/api/invites/${theirs.invite.id}` }, cookies.get('owner'))).toBe(404)
    expect(await call('GET', { path: `/api/workspaces/${other!.id}/invites` }, cookies.get('owner'))).toBe(404)
  })
})

/** A POST with exactly these headers (fetch would not send another Host). */
function rawPost(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string; setCookie: string[] }> {
  const data = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)), ...headers } }, (res) => {
      let text = ''
      res.on('data', (c) => (text += String(c)))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers['set-cookie'] ?? [] }))
    })
    req.on('error', reject)
    req.end(data)
  })
}

/** An address of this machine that is not loopback (its first non-internal IPv4), or the wildcard. */
function nonLoopbackAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => a.family === 'IPv4' && !a.internal)
    if (found) return found.address
  }
  return '0.0.0.0'
}

describe('authorization matrix: demo mode is for this machine only', () => {
  const appEnv = () => ({
    DATABASE_URL: stack.databaseUrl,
    DATA_DIR: stack.dataDir,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TASK_QUEUE_PREFIX: stack.prefix,
    AUTH_MODE: 'local',
    // The matrix signs its account in once per actor, in the windows this database shares.
    RATE_LIMIT_SIGN_IN_PER_ACCOUNT: '1000/15m',
  })

  it('refuses the demo sign-in (403) to a request that did not come from this machine, even on a loopback server', async () => {
    const [sam] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:sam'`
    const port = new URL(stack.baseUrl).port
    const viaElsewhere: Record<string, string>[] = [
      { host: `montage.example.com:${port}` },
      { 'x-forwarded-host': 'montage.example.com' },
      { 'x-forwarded-for': '203.0.113.7' },
      { 'x-forwarded-for': '127.0.0.1, 198.51.100.4' },
      { forwarded: 'for=198.51.100.4;proto=https' },
    ]
    for (const headers of viaElsewhere) {
      const res = await rawPost(`${stack.baseUrl}/api/auth/local/sign-in`, headers, { userId: sam!.id })
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 })
      expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toMatch(/only to this machine/)
      expect(res.setCookie).toEqual([])
    }
  })

  it('will not start web in demo mode bound beyond loopback', async () => {
    const host = nonLoopbackAddress()
    const started = startAppProcesses({ root: REPO_ROOT, env: { ...appEnv(), MONTAGE_DEMO: '1' }, services: ['web'], webPort: await freePort(), webHost: host, collabPort: 1, logDir: path.join(stack.dataDir, 'logs', 'demo-beyond-loopback') })
    await expect(started).rejects.toThrow(new RegExp(`web exited \\(78\\)[\\s\\S]*refusing to start: Demo mode \\(MONTAGE_DEMO=1\\) serves this machine only, but the server listens on ${host.replace(/\./g, '\\.')}`))
  })

  it('refuses the demo sign-in when web listens beyond loopback (not in demo mode), lists no one, and signs in with a password there', async () => {
    const host = nonLoopbackAddress()
    const port = await freePort()
    const app = await startAppProcesses({ root: REPO_ROOT, env: { ...appEnv(), MONTAGE_DEMO: '0' }, services: ['web'], webPort: port, webHost: host, collabPort: 1, logDir: path.join(stack.dataDir, 'logs', 'beyond-loopback') })
    try {
      const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
      const [sam] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:sam'`
      for (const body of [{ userId: sam!.id }, { name: 'Walk-in' }]) {
        const res = await fetch(`${base}/api/auth/local/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        expect(res.status).toBe(404)
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/only in demo mode \(MONTAGE_DEMO=1/)
      }
      const page = await (await fetch(`${base}/sign-in`)).text()
      expect(page).toContain('data-testid="password-sign-in"')
      expect(page).not.toContain('data-testid="sign-in-user"')
      expect(page).not.toContain('Sam Reyes')
      // A demo session made on the loopback demo server counts for nothing here.
      expect(await call('GET', { path: '/api/me' }, cookies.get('owner'))).toBe(200)
      expect((await fetch(`${base}/api/me`, { headers: { cookie: cookies.get('owner')! } })).status).toBe(401)
      const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: fx.account.email, password: fx.account.password }) })
      expect(signIn.status).toBe(200)
      const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('montage_session='))!.split(';')[0]!
      expect((await fetch(`${base}/api/me`, { headers: { cookie } })).status).toBe(200)
    } finally {
      await app.stop()
    }
  })
})

/** The close code a connection ends with, or 'open' once the server has sent its first sync message. */
function connectOutcome(url: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('message', () => {
      resolve('open')
      ws.close()
    })
    ws.on('close', (code) => resolve(code))
    ws.on('error', reject)
  })
}

describe('authorization matrix: the board WebSocket', () => {
  it('lets every member of the workspace sync, closes another workspace with 4403 and a missing or bad token with 4401', async () => {
    const url = (boardId: string, token?: string) => `${stack.collabUrl}/boards/${boardId}${token ? `?token=${encodeURIComponent(token)}` : ''}`
    const outcomes: Record<string, number | 'open'> = {}
    for (const actor of ['owner', 'producer', 'editor', 'reviewer', 'outsider'] as const) outcomes[actor] = await connectOutcome(url(stack.boardId, tokens.get(actor)))
    outcomes.anonymous = await connectOutcome(url(stack.boardId))
    outcomes.forged = await connectOutcome(url(stack.boardId, `${tokens.get('owner')!.slice(0, -4)}AAAA`))
    outcomes.outsiderOwnBoard = await connectOutcome(url(outsiderBoardId, tokens.get('outsider')))
    expect(outcomes).toEqual({ owner: 'open', producer: 'open', editor: 'open', reviewer: 'open', outsider: 4403, anonymous: 4401, forged: 4401, outsiderOwnBoard: 'open' })
  })
})
