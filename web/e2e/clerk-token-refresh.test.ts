import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { importPKCS8, SignJWT } from 'jose'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, upsertUser } from '@montage/db'
import { keepCollabTokenFresh, tokenExpiresAtMs } from '../lib/client/collab-token'
import { startE2EStack, type E2EStack } from './harness'

/**
 * Clerk mode's board socket. Clerk's session tokens live 60 s; these are Clerk-shaped RS256 tokens
 * (`sub`, `sid`, `exp`, signed by a test key that the collab-server gets as CLERK_JWT_KEY, as Clerk's
 * offline `verifyToken` with `jwtKey` reads them). Clerk itself is never called.
 */

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
})
const CLERK_USER = `user_${randomUUID().replace(/-/g, '').slice(0, 24)}`
/** Clerk's verifyToken allows 5 s of clock skew past `exp`. */
const CLOCK_SKEW_MS = 5_000

let stack: E2EStack
let minted = 0

/** What Clerk's `session.getToken()` hands the browser: a token of that many seconds. */
async function clerkToken(ttlSeconds: number): Promise<string> {
  minted++
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ sid: 'sess_test', azp: 'http://localhost:3000' })
    .setProtectedHeader({ alg: 'RS256', kid: 'ins_test', typ: 'JWT' })
    .setSubject(CLERK_USER)
    .setIssuer('https://clerk.test.invalid')
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + ttlSeconds)
    .sign(await importPKCS8(privateKey, 'RS256'))
}

beforeAll(async () => {
  stack = await startE2EStack({ services: ['collab-server'], env: { AUTH_MODE: 'clerk', CLERK_JWT_KEY: publicKey } })
  // The person Clerk signed in, already provisioned by web and a member of the board's workspace.
  const user = await upsertUser(stack.sql, { authSubject: CLERK_USER, name: 'Clara Clerk' })
  await addMember(stack.sql, { workspaceId: stack.workspaceId, userId: user.id, role: 'editor' })
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

const providers: WebsocketProvider[] = []
afterAll(() => providers.forEach((p) => p.destroy()))

function provider(opts: { token?: string; connect: boolean }): WebsocketProvider {
  const p = new WebsocketProvider(`${stack.collabUrl}/boards`, stack.boardId, new Y.Doc(), {
    connect: opts.connect,
    params: opts.token ? { token: opts.token } : {},
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  })
  providers.push(p)
  return p
}

function until(p: WebsocketProvider, what: 'synced' | 'closed'): Promise<unknown> {
  return new Promise((resolve) => {
    if (what === 'synced') {
      if (p.synced) return resolve(true)
      const on = (synced: boolean) => synced && (p.off('sync', on), resolve(true))
      p.on('sync', on)
    } else p.once('closed', (e: { code: number; reason: string }) => resolve(e))
  })
}

async function sleepUntil(ms: number): Promise<void> {
  while (Date.now() < ms) await new Promise((r) => setTimeout(r, Math.min(500, ms - Date.now())))
}

describe('Clerk mode: the board socket keeps a fresh token', () => {
  it('reconnects with a fresh token after its first one expired, where a socket keeping its first token is refused', async () => {
    const first = await clerkToken(6)
    const kept = provider({ connect: false })
    const stop = keepCollabTokenFresh(kept, { token: first, fetchToken: () => clerkToken(60), marginMs: 2_000 })
    const plain = provider({ token: first, connect: true })
    await Promise.all([until(kept, 'synced'), until(plain, 'synced')])
    const mintedBefore = minted

    // Both sockets drop (a network blip) once the first token is past its expiry and Clerk's skew.
    await sleepUntil(tokenExpiresAtMs(first)! + CLOCK_SKEW_MS + 1_000)
    const plainRefused = until(plain, 'closed')
    kept.ws?.close()
    plain.ws?.close()

    expect(await plainRefused).toMatchObject({ code: 4401, reason: expect.stringMatching(/expired|exp/i) })
    await until(kept, 'synced')
    expect(kept.wsconnected).toBe(true)
    expect(minted).toBeGreaterThan(mintedBefore)
    expect(kept.params.token).not.toBe(first)
    stop()
  }, 60_000)

  it('connects with a fresh token when the page’s token has already expired (a tab woken from sleep)', async () => {
    const stale = await clerkToken(-30)
    const p = provider({ connect: false })
    const stop = keepCollabTokenFresh(p, { token: stale, fetchToken: () => clerkToken(60) })
    await until(p, 'synced')
    expect(p.params.token).not.toBe(stale)
    stop()
  }, 30_000)
})
