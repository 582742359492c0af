import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeAuthSession, upsertUser, type Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { authenticateSessionToken, ensureLocalKeys, issueLocalSession, signLocalToken, type LocalKeys } from '../src'

let sql: Sql
let keys: LocalKeys

beforeAll(async () => {
  sql = await openTestDb()
  keys = await ensureLocalKeys(await mkdtemp(path.join(tmpdir(), 'montage-auth-')))
})
afterAll(async () => {
  await sql?.end({ timeout: 5 })
})

async function newUser() {
  return upsertUser(sql, { authSubject: `local:${randomUUID()}`, name: 'Session Tester' })
}

describe('server-side sessions', () => {
  const check = (token: string, demoMode = false) => authenticateSessionToken({ db: sql, jwtKey: keys.publicKeyPem, authMode: 'local', demoMode, token })

  it('lets a token in while its session lives, and not once the session is revoked', async () => {
    const user = await newUser()
    const { token, session } = await issueLocalSession({ db: sql, privateKeyPem: keys.privateKeyPem, user, kind: 'password', ttlSeconds: 3600, userAgent: 'vitest' })
    const ok = await check(token)
    expect(ok.user?.id).toBe(user.id)
    expect(ok.sessionId).toBe(session.id)
    expect(session.userAgent).toBe('vitest')

    expect(await revokeAuthSession(sql, { sessionId: session.id, userId: user.id })).not.toBeNull()
    await expect(check(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/signed out/) })
  })

  it("refuses a token without a session, with an unknown one, with another user's, and a session past its end", async () => {
    const user = await newUser()
    const other = await newUser()
    const noSid = await signLocalToken({ privateKeyPem: keys.privateKeyPem, subject: user.authSubject, name: 'x', sessionId: '' })
    await expect(check(noSid)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/no session/) })
    const unknown = await signLocalToken({ privateKeyPem: keys.privateKeyPem, subject: user.authSubject, name: 'x', sessionId: randomUUID() })
    await expect(check(unknown)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/unknown/) })
    // A session of Other's, in a token that claims to be this user.
    const { session } = await issueLocalSession({ db: sql, privateKeyPem: keys.privateKeyPem, user: other, kind: 'password', ttlSeconds: 3600 })
    const borrowed = await signLocalToken({ privateKeyPem: keys.privateKeyPem, subject: user.authSubject, name: 'x', sessionId: session.id })
    await expect(check(borrowed)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    // The row ended (the token itself still says it is valid for an hour).
    const ended = await issueLocalSession({ db: sql, privateKeyPem: keys.privateKeyPem, user, kind: 'password', ttlSeconds: 3600 })
    await sql`UPDATE auth_sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = ${ended.session.id}`
    await expect(check(ended.token)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/ended/) })
  })

  it('honours a demo session only in demo mode', async () => {
    const user = await newUser()
    const { token } = await issueLocalSession({ db: sql, privateKeyPem: keys.privateKeyPem, user, kind: 'demo', ttlSeconds: 3600 })
    expect((await check(token, true)).user?.id).toBe(user.id)
    await expect(check(token, false)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/MONTAGE_DEMO=1/) })
  })
})
