import { tokenExpiresAtMs } from './collab-token'

interface ClerkLike {
  loaded?: boolean
  session?: { getToken(opts?: { skipCache?: boolean }): Promise<string | null> } | null
}

/**
 * A fresh Clerk session token from Clerk's browser SDK (`window.Clerk`, which ClerkProvider loads):
 * `session.getToken()` answers from its cache while the token is fresh and fetches a new one when
 * not; a cached one about to expire is skipped.
 */
export async function clerkSessionToken(): Promise<string> {
  const deadline = Date.now() + 10_000
  let clerk = (window as unknown as { Clerk?: ClerkLike }).Clerk
  while (!clerk?.loaded && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    clerk = (window as unknown as { Clerk?: ClerkLike }).Clerk
  }
  const session = clerk?.session
  if (!session) throw new Error('Clerk has no session here: sign in again.')
  let token = await session.getToken()
  const exp = token ? tokenExpiresAtMs(token) : null
  if (!token || (exp !== null && exp - Date.now() < 20_000)) token = await session.getToken({ skipCache: true })
  if (!token) throw new Error('Clerk gave no session token: sign in again.')
  return token
}
