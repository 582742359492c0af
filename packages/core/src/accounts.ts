import { z } from 'zod'
import { ZRole, type TRole } from './roles'

/** Password rules (NIST 800-63B: a length floor, a generous ceiling, no composition rules). */
export const PASSWORD_MIN_LENGTH = 10
/** Bounds the work one request can ask of the KDF. */
export const PASSWORD_MAX_LENGTH = 200

/** An email address as people sign in with it: trimmed and lower-cased. */
export const ZEmail = z
  .string({ error: 'Enter your email address' })
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address such as name@studio.com'))

export const ZNewPassword = z
  .string({ error: 'Choose a password' })
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)

export const ZPersonName = z.string({ error: 'Enter your name' }).trim().min(1, 'Enter your name').max(80, 'must be at most 80 characters')

/** The token of an invite link: 32 random bytes, base64url. */
export const ZInviteToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an invite token')

export const ZSignUpRequest = z
  .object({
    name: ZPersonName,
    email: ZEmail,
    password: ZNewPassword,
    /** The invite link's token; without one, only the first account of an install may be created. */
    inviteToken: ZInviteToken.optional(),
  })
  .strict()
export type TSignUpRequest = z.infer<typeof ZSignUpRequest>

export const ZSignInRequest = z
  .object({
    email: ZEmail,
    // No length rule here: the answer to a wrong password must not depend on how it is wrong.
    password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
  })
  .strict()
export type TSignInRequest = z.infer<typeof ZSignInRequest>

export const INVITE_MAX_HOURS = 24 * 30

export const ZCreateInviteRequest = z
  .object({
    role: ZRole,
    expiresInHours: z.number().int().min(1, 'must be at least 1').max(INVITE_MAX_HOURS, `must be at most ${INVITE_MAX_HOURS} (30 days)`).default(24 * 7),
    maxUses: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').default(1),
    note: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
    /** Only the account with this email address may use the invite (once). */
    email: z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').email('must be an email address').optional(),
  })
  .strict()
  .refine((b) => b.email === undefined || b.maxUses === 1, { message: 'an invite for an email address is used once', path: ['maxUses'] })
export type TCreateInviteRequest = z.infer<typeof ZCreateInviteRequest>

export const ZAcceptInviteRequest = z.object({ token: ZInviteToken }).strict()

export type TInviteState = 'active' | 'expired' | 'revoked' | 'used'

/** An invite as owners see it; never its token (only its sha256 is stored). */
export interface TInvite {
  id: string
  workspaceId: string
  role: TRole
  note: string | null
  /** The one email address that may use it; null for an open link. */
  email: string | null
  maxUses: number
  useCount: number
  expiresAt: string
  revokedAt: string | null
  createdAt: string
  createdBy: { id: string; name: string } | null
  state: TInviteState
}

export type TSessionKind = 'password' | 'demo'

/** One signed-in session, as its owner sees it on the account page. */
export interface TSessionInfo {
  id: string
  kind: TSessionKind
  createdAt: string
  expiresAt: string
  lastSeenAt: string
  revokedAt: string | null
  userAgent: string | null
  /** The session this request was made with. */
  current: boolean
}

/** Published on core NATS when a session ends early; every collab-server closes its sockets. */
export const ZSessionRevokedMessage = z.object({ sessionId: z.string().uuid() }).strict()
export type TSessionRevokedMessage = z.infer<typeof ZSessionRevokedMessage>
