import { randomUUID } from 'node:crypto'
import path from 'node:path'
import WebSocket from 'ws'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getWorkspaceRole } from '@montage/db'
import { SCREENSHOT_DIR, openBoard, startE2EStack, type E2EStack } from './harness'
import { cookieFrom, signInCookie } from './review-fixtures'

/**
 * Local accounts end to end: the first owner signs up on a new install, signs in with a password,
 * invites people by link, and signing out ends the session on the server and on both collab-servers.
 */

let stack: E2EStack
const OWNER = { name: 'Olivia Owner', email: `olivia-${randomUUID().slice(0, 6)}@studio.test`, password: 'north wind lighthouse' }
let studioId: string

beforeAll(async () => {
  // As behind a TLS-terminating proxy: its X-Forwarded-Proto is believed.
  stack = await startE2EStack({ services: ['web', 'collab-server'], collabInstances: 2, env: { TRUST_PROXY: '1' } })
}, 300_000)

afterAll(async () => {
  await stack?.close()
})

interface TApiAnswer {
  status: number
  body: Record<string, unknown>
  cookie: string | null
}

async function api(method: string, route: string, opts: { body?: unknown; cookie?: string } = {}): Promise<TApiAnswer> {
  const res = await fetch(`${stack.baseUrl}${route}`, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    redirect: 'manual',
  })
  const session = res.headers.getSetCookie().find((c) => c.startsWith('montage_session=') && !c.startsWith('montage_session=;'))
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown>, cookie: session ? cookieFrom(res, 'montage_session') : null }
}

async function passwordCookie(email = OWNER.email, password = OWNER.password): Promise<string> {
  const res = await api('POST', '/api/auth/sign-in', { body: { email, password } })
  if (res.status !== 200 || !res.cookie) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.cookie
}

async function newContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1280, height: 860 } })
  return { context, page: await context.newPage() }
}

async function createInvite(cookie: string, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await api('POST', `/api/workspaces/${studioId}/invites`, { cookie, body })
  expect(res.status).toBe(201)
  return { id: (res.body.invite as { id: string }).id, token: String(res.body.url).replace('/invite/', '') }
}

/** An open board socket on a collab-server instance, and how it ends (wrapped: an async function would wait for it). */
async function openSocket(collabUrl: string, boardId: string, token: string): Promise<{ closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${collabUrl}/boards/${boardId}?token=${encodeURIComponent(token)}`)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve())
    ws.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)))
  })
  return { closed }
}

describe('local accounts', () => {
  it('signs up the first owner of a new install in the browser, naming each bad field, then signs out and back in with the password', async () => {
    const { context, page } = await newContext()
    await page.goto('/sign-in')
    await page.locator('[data-testid=first-run]').waitFor()
    // Demo mode (this stack) also offers the passwordless demo people, below the password form.
    expect(await page.locator('[data-testid=sign-in-user]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Sam Reyes')]))
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'sign-in.png') })

    await page.locator('[data-testid=first-run] a').click()
    await page.waitForURL('**/sign-up')
    await page.fill('#name', OWNER.name)
    await page.fill('#email', 'olivia at studio')
    await page.fill('#password', 'short')
    await page.click('[data-testid=sign-up-submit]')
    await expect.poll(() => page.locator('[data-testid=email-error]').textContent()).toMatch(/must be an email address/i)
    await page.fill('#email', OWNER.email)
    await page.click('[data-testid=sign-up-submit]')
    await expect.poll(() => page.locator('[data-testid=password-error]').textContent()).toMatch(/must be at least 10 characters/i)
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'sign-up-errors.png') })
    await page.fill('#password', OWNER.password)
    await page.click('[data-testid=sign-up-submit]')

    await page.waitForURL(`${stack.baseUrl}/`)
    const studio = page.locator('[data-testid=workspace]', { hasText: `${OWNER.name}'s studio` })
    await studio.waitFor()
    expect(await studio.locator('.pill').first().textContent()).toBe('owner')
    expect(await studio.locator('[data-testid=credits]').textContent()).toBe('500 credits')
    studioId = (await stack.sql<{ id: string }[]>`SELECT workspace_id AS id FROM memberships m JOIN password_credentials p ON p.user_id = m.user_id WHERE p.email = ${OWNER.email}`)[0]!.id

    await page.click('[data-testid=sign-out]')
    await page.waitForURL('**/sign-in')
    // The install has its owner: no second first-owner sign-up.
    expect(await page.locator('[data-testid=first-run]').count()).toBe(0)
    expect((await api('POST', '/api/auth/sign-up', { body: { name: 'Second', email: 'second@studio.test', password: 'another long one' } })).status).toBe(403)

    await page.fill('#email', OWNER.email.toUpperCase())
    await page.fill('#password', OWNER.password)
    await page.click('[data-testid=sign-in-submit]')
    await page.waitForURL(`${stack.baseUrl}/`)
    expect(await page.locator('[data-testid=user-name]').textContent()).toBe(OWNER.name)
    await context.close()
  })

  it('answers a wrong password and an unknown email alike, with no session and nothing about which was wrong', async () => {
    const wrong = await api('POST', '/api/auth/sign-in', { body: { email: OWNER.email, password: 'not the password' } })
    const unknown = await api('POST', '/api/auth/sign-in', { body: { email: `nobody-${randomUUID().slice(0, 6)}@studio.test`, password: 'not the password' } })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'The email or password is incorrect.' } })
    expect([wrong.cookie, unknown.cookie]).toEqual([null, null])
    // Bad input is a 400 naming the field.
    expect((await api('POST', '/api/auth/sign-in', { body: { email: 'nope', password: 'x' } })).body).toMatchObject({ error: { code: 'BAD_REQUEST', field: 'email' } })

    const { context, page } = await newContext()
    await page.goto('/sign-in')
    await page.fill('#email', OWNER.email)
    await page.fill('#password', 'not the password')
    await page.click('[data-testid=sign-in-submit]')
    await expect.poll(() => page.locator('[data-testid=sign-in-error]').textContent()).toBe('The email or password is incorrect.')
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await context.close()
  })

  it('makes a signed-out person who opens an invite link a member with its role, and refuses the used link to the next person', async () => {
    const owner = await newContext()
    await owner.context.request.post('/api/auth/sign-in', { data: { email: OWNER.email, password: OWNER.password } })
    await owner.page.goto('/')
    await owner.page.click('[data-testid=manage-members]')
    await owner.page.locator('[data-testid=invite-panel]').waitFor()
    expect(await owner.page.locator('[data-testid=member-row]').count()).toBe(1)
    await owner.page.selectOption('[data-testid=invite-role]', 'reviewer')
    await owner.page.fill('[data-testid=invite-note]', 'Rosa, client side')
    await owner.page.click('[data-testid=invite-create]')
    const link = (await owner.page.locator('[data-testid=invite-link] code').textContent())!
    expect(link).toMatch(new RegExp(`^${stack.baseUrl}/invite/[A-Za-z0-9_-]{43}$`))
    await owner.page.locator('[data-testid=invite-row][data-state=active]', { hasText: 'Rosa, client side' }).waitFor()
    await owner.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'members-invite.png') })

    const guest = await newContext()
    await guest.page.goto(link)
    expect(await guest.page.locator('[data-testid=invite-workspace]').textContent()).toBe(`${OWNER.name}'s studio`)
    expect(await guest.page.locator('[data-testid=invite-page] .sub').textContent()).toMatch(/Olivia Owner invites you to join as reviewer/)
    await guest.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'invite.png') })
    const rosaEmail = `rosa-${randomUUID().slice(0, 6)}@client.test`
    await guest.page.fill('#name', 'Rosa Client')
    await guest.page.fill('#email', rosaEmail)
    await guest.page.fill('#password', 'a reviewer password')
    await guest.page.click('[data-testid=sign-up-submit]')
    await guest.page.waitForURL(`${stack.baseUrl}/`)
    const studio = guest.page.locator('[data-testid=workspace]', { hasText: `${OWNER.name}'s studio` })
    expect(await studio.locator('.pill').first().textContent()).toBe('reviewer')
    const [rosa] = await stack.sql<{ id: string }[]>`SELECT user_id AS id FROM password_credentials WHERE email = ${rosaEmail}`
    expect(await getWorkspaceRole(stack.sql, { userId: rosa!.id, workspaceId: studioId })).toBe('reviewer')
    // Joined by invite: no studio of her own.
    expect(await guest.page.locator('[data-testid=workspace]').count()).toBe(1)

    await owner.page.reload()
    expect(await owner.page.locator('[data-testid=member-row]').count()).toBe(2)
    await owner.page.locator('[data-testid=invite-row][data-state=used]', { hasText: 'Rosa, client side' }).waitFor()

    const late = await newContext()
    await late.page.goto(link)
    await late.page.locator('[data-testid=invite-ended]', { hasText: 'already been used' }).waitFor()
    const token = link.split('/invite/')[1]!
    const refused = await api('POST', '/api/auth/sign-up', { body: { name: 'Late', email: `late-${randomUUID().slice(0, 6)}@client.test`, password: 'a late password', inviteToken: token } })
    expect(refused).toMatchObject({ status: 410, body: { error: { field: 'inviteToken', message: expect.stringMatching(/already been used/) } } })
    await Promise.all([owner.context.close(), guest.context.close(), late.context.close()])
  })

  it('refuses an expired and a revoked invite link, and lets a signed-in person accept a live one', async () => {
    const ownerCookie = await passwordCookie()
    const ben = await signInCookie(stack, 'local:ben')

    const expired = await createInvite(ownerCookie, { role: 'editor', expiresInHours: 1 })
    await stack.sql`UPDATE workspace_invites SET expires_at = now() - interval '1 second' WHERE id = ${expired.id}`
    expect(await api('POST', '/api/invites/accept', { cookie: ben.cookie, body: { token: expired.token } })).toMatchObject({ status: 410, body: { error: { message: expect.stringMatching(/expired/) } } })

    const owner = await newContext()
    await owner.context.request.post('/api/auth/sign-in', { data: { email: OWNER.email, password: OWNER.password } })
    const revoked = await createInvite(ownerCookie, { role: 'editor', note: 'Revoke me' })
    await owner.page.goto(`/workspaces/${studioId}/members`)
    await owner.page.locator('[data-testid=invite-row]', { hasText: 'Revoke me' }).locator('[data-testid=invite-revoke]').click()
    await owner.page.locator('[data-testid=invite-row][data-state=revoked]', { hasText: 'Revoke me' }).waitFor()
    expect(await api('POST', '/api/invites/accept', { cookie: ben.cookie, body: { token: revoked.token } })).toMatchObject({ status: 410, body: { error: { message: expect.stringMatching(/revoked/) } } })
    const visitor = await newContext()
    for (const [invite, word] of [[expired, 'expired'], [revoked, 'revoked']] as const) {
      await visitor.page.goto(`/invite/${invite.token}`)
      await visitor.page.locator('[data-testid=invite-ended]', { hasText: word }).waitFor()
    }
    expect(await getWorkspaceRole(stack.sql, { userId: ben.userId, workspaceId: studioId })).toBeNull()

    // Ben, signed in (demo person), opens a live link and joins with its role.
    const live = await createInvite(ownerCookie, { role: 'editor' })
    const benContext = await stack.signedIn('local:ben')
    const benPage = await benContext.newPage()
    await benPage.goto(`/invite/${live.token}`)
    await benPage.click('[data-testid=accept-invite]')
    await benPage.waitForURL(`${stack.baseUrl}/`)
    await benPage.locator('[data-testid=workspace]', { hasText: `${OWNER.name}'s studio` }).waitFor()
    expect(await getWorkspaceRole(stack.sql, { userId: ben.userId, workspaceId: studioId })).toBe('editor')
    await Promise.all([owner.context.close(), visitor.context.close(), benContext.close()])
  })

  it("ends the session on the server at sign-out: the old cookie gets 401 and the session's sockets on both collab-servers close with 4401", async () => {
    const cookie = await passwordCookie()
    const token = cookie.split('=')[1]!
    const board = await api('POST', '/api/boards', { cookie, body: { workspaceId: studioId, name: 'Sign-out board' } })
    expect(board.status).toBe(201)
    const boardId = String(board.body.id)
    const [first, second] = await Promise.all(stack.collabUrls.map((url) => openSocket(url, boardId, token)))
    expect((await api('GET', '/api/me', { cookie })).status).toBe(200)

    const out = await api('POST', '/api/auth/sign-out', { cookie })
    expect(out.status).toBe(200)
    expect(await first!.closed).toEqual({ code: 4401, reason: expect.stringMatching(/signed out/) })
    expect(await second!.closed).toEqual({ code: 4401, reason: expect.stringMatching(/signed out/) })
    // The cookie a browser (or a thief) kept is dead on every path.
    expect(await api('GET', '/api/me', { cookie })).toMatchObject({ status: 401, body: { error: { message: expect.stringMatching(/signed out/) } } })
    const retry = new WebSocket(`${stack.collabUrls[1]}/boards/${boardId}?token=${encodeURIComponent(token)}`)
    expect(await new Promise((resolve) => retry.on('close', (code) => resolve(code)))).toBe(4401)
  })

  it('tells a person with a board open that their session ended when another browser signs it out', async () => {
    const { context, page } = await newContext()
    await context.request.post('/api/auth/sign-in', { data: { email: OWNER.email, password: OWNER.password } })
    const token = (await context.cookies()).find((c) => c.name === 'montage_session')!.value
    const sessionId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid
    const other = await passwordCookie()
    const board = await api('POST', '/api/boards', { cookie: other, body: { workspaceId: studioId, name: 'Open board' } })
    await openBoard(page, String(board.body.id))

    expect((await api('DELETE', `/api/auth/sessions/${sessionId}`, { cookie: other })).status).toBe(200)
    const problem = page.locator('[data-testid=sync-problem][data-kind=unauthorized]')
    await problem.waitFor({ timeout: 30_000 })
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'session-ended.png') })
    // Reloading does not bring the session back: the page sends the browser to sign in.
    await page.reload()
    await page.waitForURL('**/sign-in')
    await context.close()
  })

  it('marks the session cookie Secure when the trusted proxy says the browser came over HTTPS', async () => {
    const signIn = (headers: Record<string, string>) =>
      fetch(`${stack.baseUrl}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email: OWNER.email, password: OWNER.password }) })
    const overTls = (await signIn({ 'x-forwarded-proto': 'https' })).headers.getSetCookie().find((c) => c.startsWith('montage_session='))!
    const plain = (await signIn({})).headers.getSetCookie().find((c) => c.startsWith('montage_session='))!
    expect(overTls).toMatch(/; Secure/i)
    expect(overTls).toMatch(/; HttpOnly/i)
    expect(plain).not.toMatch(/; Secure/i)
  })

  it("lists the account's sessions and signs another browser out from the account page", async () => {
    const { context, page } = await newContext()
    await context.request.post('/api/auth/sign-in', { data: { email: OWNER.email, password: OWNER.password } })
    const other = await passwordCookie()
    await page.goto('/account')
    const rows = page.locator('[data-testid=session-row]')
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2)
    expect(await page.locator('[data-testid=session-row][data-current=true]').count()).toBe(1)
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'account.png') })
    const before = await rows.count()
    // The newest session that is not this browser's: the one made through the API above.
    await page.locator('[data-testid=session-row][data-current=false]').first().locator('[data-testid=session-revoke]').click()
    await expect.poll(() => rows.count()).toBe(before - 1)
    expect((await api('GET', '/api/me', { cookie: other })).status).toBe(401)
    // This browser is still signed in.
    expect((await context.request.get('/api/me')).status()).toBe(200)
    await context.close()
  })
})
