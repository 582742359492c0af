import { createHmac, timingSafeEqual } from 'node:crypto'
import { AppError, AppErrorCode, ZSha256 } from '@montage/core'

/** What a signed URL grants: one asset of one workspace until `expires` (unix seconds). */
export interface TMediaGrant {
  sha256: string
  workspaceId: string
  expires: number
}

function mac(secret: Buffer, grant: TMediaGrant): string {
  return createHmac('sha256', secret).update(`media:v1\n${grant.sha256}\n${grant.workspaceId}\n${grant.expires}`).digest('base64url')
}

/** `/api/media/<sha256>?w=<workspaceId>&e=<expires>&s=<hmac>`. */
export function signMediaUrl(secret: Buffer, grant: TMediaGrant): string {
  const q = new URLSearchParams({ w: grant.workspaceId, e: String(grant.expires), s: mac(secret, grant) })
  return `/api/media/${grant.sha256}?${q.toString()}`
}

/**
 * Checks a signed URL's parts. A signature that does not match (another sha, another workspace,
 * a changed expiry, a tampered `s`) is FORBIDDEN; a valid one past its expiry is GONE.
 */
export function verifyMediaUrl(secret: Buffer, sha256: string, query: URLSearchParams, nowSeconds: number): TMediaGrant {
  const workspaceId = query.get('w') ?? ''
  const expiresText = query.get('e') ?? ''
  const signature = query.get('s') ?? ''
  if (!ZSha256.safeParse(sha256).success || !/^[0-9a-f-]{36}$/.test(workspaceId) || !/^\d{1,12}$/.test(expiresText) || !signature) {
    throw new AppError(AppErrorCode.FORBIDDEN, 'This media link is not valid.')
  }
  const grant = { sha256, workspaceId, expires: Number(expiresText) }
  const expected = Buffer.from(mac(secret, grant))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError(AppErrorCode.FORBIDDEN, 'This media link is not valid.')
  if (grant.expires < nowSeconds) throw new AppError(AppErrorCode.GONE, 'This media link has expired.')
  return grant
}
