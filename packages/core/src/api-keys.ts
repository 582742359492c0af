import { z } from 'zod'
import type { TPermission } from './roles'

/**
 * API keys (issue 14). A key acts in one workspace as the member who created it, through the same
 * checks as that person's session, and no further than its scopes: a permission passes only when
 * the creator's current role grants it AND one of the key's scopes does. So a reviewer's key never
 * approves, and a producer's `read` key never starts a generation.
 */
export const API_KEY_SCOPES = ['read', 'generate', 'review', 'admin'] as const
export const ZApiKeyScope = z.enum(API_KEY_SCOPES)
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>

/**
 * What each scope lets a key do, beyond what its creator's role allows.
 * - read: view boards, shots, variations, generations, assets, the library, comments, decisions, credits.
 * - generate: read, plus create boards and shots, upload, start, edit, retry and cancel generations.
 * - review: read, plus comment, resolve comments and approve or request changes.
 * - admin: everything the creator's role allows (review links, invites, members, API keys, webhooks,
 *   renaming, archiving and deleting boards, the Temporal link).
 */
const SCOPE_GRANTS: Record<TApiKeyScope, readonly TPermission[] | 'all'> = {
  read: ['board.view', 'credits.view'],
  generate: ['board.view', 'credits.view', 'board.edit', 'generation.start'],
  review: ['board.view', 'credits.view', 'comment.create', 'comment.moderate', 'review.decide', 'variation.approve'],
  admin: 'all',
}

export function scopesAllow(scopes: readonly TApiKeyScope[], permission: TPermission): boolean {
  return scopes.some((s) => SCOPE_GRANTS[s] === 'all' || (SCOPE_GRANTS[s] as readonly TPermission[]).includes(permission))
}

/**
 * A key as people type it: `mtg_` + the key's row id (32 hex, so lookups go by id) + `_` + 32
 * random bytes in base64url (only their sha256 is stored).
 */
export const API_KEY_PATTERN = /^mtg_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/

export const ZCreateApiKeyRequest = z
  .object({
    name: z.string().trim().min(1, 'Give the key a name').max(80, 'must be at most 80 characters'),
    scopes: z
      .array(ZApiKeyScope)
      .min(1, 'Choose at least one scope')
      .max(API_KEY_SCOPES.length)
      .transform((s) => [...new Set(s)].sort((a, b) => API_KEY_SCOPES.indexOf(a) - API_KEY_SCOPES.indexOf(b))),
  })
  .strict()
export type TCreateApiKeyRequest = z.infer<typeof ZCreateApiKeyRequest>

/** A key as the settings page and the API list it: never its secret. */
export interface TApiKeyInfo {
  id: string
  workspaceId: string
  name: string
  scopes: TApiKeyScope[]
  /** `mtg_1a2b3c4d…`, enough to tell keys apart in a list. */
  prefix: string
  createdBy: { id: string | null; name: string }
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

/** The header a POST that costs credits may carry, so a retried request never pays twice. */
export const ZIdempotencyKey = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
