import { randomBytes, randomUUID } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { deflateSync, crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPasswordHasher } from '@montage/auth'
import { addMember, createBoard, createOwnerAccount, createReviewLink, createWorkspace, upsertUser } from '@montage/db'
import { startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, cookieFrom, signInCookie } from './review-fixtures'

/**
 * Issue 12's rate limits and quotas, each attack next to the honest use that still works. The
 * stack runs with small limits, and behind "one trusted proxy" (TRUST_PROXY=1) so that requests
 * can come from several client addresses: the proxy's word is the last X-Forwarded-For entry.
 */
const ENV = {
  TRUST_PROXY: '1',
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: '20/1h',
  RATE_LIMIT_SIGN_IN_PER_ACCOUNT: '3/1h',
  RATE_LIMIT_REVIEW_SIGN_IN_PER_ADDRESS: '5/1h',
  // Long enough that four scrypt checks on a busy machine fit in one window.
  RATE_LIMIT_PASSPHRASE_PER_LINK: '4/10s',
  RATE_LIMIT_UPLOADS_PER_PERSON: '3/1h',
  RATE_LIMIT_GENERATIONS_PER_PERSON: '3/1h',
  RATE_LIMIT_GENERATIONS_PER_WORKSPACE: '5/1h',
  RATE_LIMIT_GUEST_COMMENTS_PER_GUEST: '3/1h',
  QUOTA_WORKSPACE_STORAGE: '150KB',
  QUOTA_BOARDS_PER_WORKSPACE: '2',
  QUOTA_CHECKPOINTS_PER_BOARD: '2',
  QUOTA_GUEST_COMMENTS_PER_LINK: '5',
}

let stack: E2EStack

interface Answer {
  status: number
  headers: Headers
  body: { error?: { code: string; message: string; limit?: string; retryAfterSeconds?: number } } & Record<string, unknown>
}

/** One request as it reaches web through the proxy: `from` is the client address the proxy saw. */
async function call(method: string, p: string, opts: { from?: string; cookie?: string; json?: unknown; bytes?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.from) headers['x-forwarded-for'] = opts.from
  if (opts.cookie) headers.cookie = opts.cookie
  let body: BodyInit | undefined
  if (opts.bytes) body = new Uint8Array(opts.bytes)
  else if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(`${stack.baseUrl}${p}`, { method, headers, body })
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => ({}))) as Answer['body'] }
}

/** A 429 that names its limit, with a Retry-After of whole seconds no longer than the window. */
function expectRateLimited(a: Answer, limit: string, windowSeconds: number): number {
  expect(a.status, JSON.stringify(a.body)).toBe(429)
  expect(a.body.error).toMatchObject({ code: 'RATE_LIMITED', limit, message: expect.stringMatching(/^Too many .+: at most \d+ in .+\. Try again in .+\.$/) })
  const retryAfter = Number(a.headers.get('retry-after'))
  expect(Number.isInteger(retryAfter)).toBe(true)
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds)
  expect(a.body.error!.retryAfterSeconds).toBe(retryAfter)
  return retryAfter
}

/** A person who owns a fresh workspace with one board, signed in (from the proxy's own address). */
async function studio(name: string): Promise<{ userId: string; workspaceId: string; boardId: string; cookie: string }> {
  const subject = `local:${name}-${randomUUID().slice(0, 6)}`
  const user = await upsertUser(stack.sql, { authSubject: subject, name })
  const ws = await createWorkspace(stack.sql, { name: `${name}'s studio`, ownerId: user.id })
  const board = await createBoard(stack.sql, { workspaceId: ws.id, name: 'Board', createdBy: user.id })
  return { userId: user.id, workspaceId: ws.id, boardId: board.id, cookie: (await signInCookie(stack, subject)).cookie }
}

/** A greyscale PNG of random pixels: it decodes, and does not compress (about width × height bytes). */
function noisePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0)
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width)])))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

async function assetRows(workspaceId: string): Promise<number> {
  const [row] = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM assets WHERE workspace_id = ${workspaceId}`
  return row!.n
}

async function storeFiles(): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(path.join(stack.dataDir, 'assets'), { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name))
  return out.sort()
}

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'], env: ENV })
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

describe('sign-in attempts', () => {
  /** A password account of its own (the demo sign-in refuses any request a proxy forwarded). */
  async function account(name: string): Promise<{ email: string; password: string }> {
    const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 6)}@studio.test`
    const password = `correct horse ${randomUUID()}`
    await createOwnerAccount(stack.sql, { name, email, passwordHash: await createPasswordHasher().hash(password), workspaceName: `${name}'s studio`, credits: 0, onlyIfFirst: false })
    return { email, password }
  }
  const signIn = (from: string, json: { email: string; password: string }) => call('POST', '/api/auth/sign-in', { from, json })

  it('refuses an address past its budget (a forged X-Forwarded-For entry does not make it another), while another address signs in', async () => {
    const person = await account('Walk In')
    for (let i = 0; i < 20; i++) {
      // Guessing at accounts: each is a 401, and each counts.
      expect((await signIn('198.51.100.20', { email: `guess-${i}@studio.test`, password: 'hunter2hunter2' })).status).toBe(401)
    }
    expectRateLimited(await signIn('198.51.100.20', person), 'signInPerAddress', 3600)
    // The client wrote an address of its own to the left; the proxy appended the one it saw.
    expectRateLimited(await signIn('203.0.113.77, 198.51.100.20', person), 'signInPerAddress', 3600)
    expect((await signIn('198.51.100.21', person)).status).toBe(200)
  })

  it('refuses an account past its budget from any address, while another account signs in', async () => {
    const target = await account('Target')
    const other = await account('Other')
    for (let i = 0; i < 3; i++) expect((await signIn(`198.51.100.${30 + i}`, { ...target, password: `wrong guess ${i}` })).status).toBe(401)
    // Even the right password waits out the window: the account is being guessed at.
    expectRateLimited(await signIn('198.51.100.40', target), 'signInPerAccount', 3600)
    expect((await signIn('198.51.100.40', other)).status).toBe(200)
  })
})

describe('review links', () => {
  it('stops passphrase guessing with 429 after 4 tries, and the right passphrase works once the window has passed', async () => {
    const s = await studio('Pia')
    const { token } = await createReviewLink(stack.sql, { boardId: s.boardId, scope: 'board', expiresInHours: 1, passphrase: 'lantern-harbour', createdBy: s.userId })
    const session = (from: string, passphrase: string) => call('POST', `/api/r/${token}/session`, { from, json: { name: 'Guesser', passphrase } })
    for (let i = 0; i < 4; i++) {
      const wrong = await session(`192.0.2.${10 + i}`, `guess-${i}`)
      expect(wrong.status).toBe(401)
      expect(wrong.body.error?.message).toMatch(/not the passphrase/)
    }
    // Past the link's budget even the right passphrase is refused (else guessing would go on), from any address.
    const refused = await session('192.0.2.20', 'lantern-harbour')
    const retryAfter = expectRateLimited(refused, 'passphrasePerLink', 10)
    expect(refused.headers.getSetCookie()).toEqual([])
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 200))
    const right = await session('192.0.2.21', 'lantern-harbour')
    expect(right.status).toBe(201)
    expect(right.headers.getSetCookie().some((c) => c.startsWith('montage_guest='))).toBe(true)
  })

  it('refuses an address that opens sessions past its budget, while another address opens one', async () => {
    const s = await studio('Paz')
    const { token } = await createReviewLink(stack.sql, { boardId: s.boardId, scope: 'board', expiresInHours: 1, createdBy: s.userId })
    for (let i = 0; i < 5; i++) expect((await call('POST', `/api/r/${token}/session`, { from: '192.0.2.50', json: { name: `Guest ${i}` } })).status).toBe(201)
    expectRateLimited(await call('POST', `/api/r/${token}/session`, { from: '192.0.2.50', json: { name: 'One more' } }), 'reviewSignInPerAddress', 3600)
    expect((await call('POST', `/api/r/${token}/session`, { from: '192.0.2.51', json: { name: 'Someone else' } })).status).toBe(201)
  })

  it('marks the guest cookie Secure when the trusted proxy says the client came over HTTPS', async () => {
    const s = await studio('Sol')
    const { token } = await createReviewLink(stack.sql, { boardId: s.boardId, scope: 'board', expiresInHours: 1, createdBy: s.userId })
    const overHttps = await call('POST', `/api/r/${token}/session`, { from: '192.0.2.60', json: { name: 'Tess' }, headers: { 'x-forwarded-proto': 'https' } })
    const overHttp = await call('POST', `/api/r/${token}/session`, { from: '192.0.2.61', json: { name: 'Hal' }, headers: { 'x-forwarded-proto': 'http' } })
    const guestCookie = (a: Answer) => a.headers.getSetCookie().find((c) => c.startsWith('montage_guest='))!
    expect(guestCookie(overHttps)).toMatch(/; Secure/i)
    expect(guestCookie(overHttps)).toMatch(/; HttpOnly/i)
    expect(guestCookie(overHttp)).not.toMatch(/; Secure/i)
    expect(overHttps.headers.get('strict-transport-security')).toBe('max-age=31536000')
  })

  it("stops a guest's comment flood with 429 while another guest comments, and refuses comments past the link's quota storing nothing", async () => {
    const [sam] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:sam'`
    const variation = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: 'shape:demo-shot-1', createdBy: sam!.id })
    const { token } = await createReviewLink(stack.sql, { boardId: stack.boardId, scope: 'board', expiresInHours: 1, createdBy: sam!.id })
    const guest = async (from: string, name: string) => cookieFrom(await fetch(`${stack.baseUrl}/api/r/${token}/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify({ name }) }), 'montage_guest')
    const comment = (cookie: string, body: string) => call('POST', `/api/r/${token}/comments`, { cookie, json: { variationId: variation.variationId, body } })
    const [flooder, honest] = [await guest('192.0.2.70', 'Flo'), await guest('192.0.2.71', 'Hana')]
    for (let i = 0; i < 3; i++) expect((await comment(flooder, `spam ${i}`)).status).toBe(201)
    expectRateLimited(await comment(flooder, 'spam 3'), 'guestCommentsPerGuest', 3600)
    expect((await comment(honest, 'The lamp is lovely')).status).toBe(201)
    expect((await comment(honest, 'And the sky')).status).toBe(201)
    // Five guest comments: the link's quota.
    const full = await comment(honest, 'One more thought')
    expect(full.status).toBe(403)
    expect(full.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 'guestCommentsPerLink', message: expect.stringMatching(/has 5 guest comments, the most it takes \(limit 5\)/) })
    const rows = await stack.sql<{ body: string }[]>`SELECT body FROM comments WHERE variation_id = ${variation.variationId} ORDER BY created_at`
    expect(rows.map((r) => r.body)).toEqual(['spam 0', 'spam 1', 'spam 2', 'The lamp is lovely', 'And the sky'])
    // Members still comment on it.
    const ada = (await signInCookie(stack, 'local:ada')).cookie
    expect((await call('POST', `/api/boards/${stack.boardId}/comments`, { cookie: ada, json: { variationId: variation.variationId, body: 'Noted' } })).status).toBe(201)
  })
})

describe('uploads', () => {
  it("stops one person's upload flood with 429 storing nothing, while another member uploads", async () => {
    const s = await studio('Uma')
    const subject = `local:colleague-${randomUUID().slice(0, 6)}`
    const colleague = await upsertUser(stack.sql, { authSubject: subject, name: 'Colleague' })
    await addMember(stack.sql, { workspaceId: s.workspaceId, userId: colleague.id, role: 'editor' })
    const colleagueCookie = (await signInCookie(stack, subject)).cookie
    const upload = (cookie: string) => call('POST', `/api/uploads?boardId=${s.boardId}`, { cookie, bytes: noisePng(16, 16) })
    for (let i = 0; i < 3; i++) expect((await upload(s.cookie)).status).toBe(201)
    const [rows, files] = [await assetRows(s.workspaceId), await storeFiles()]
    expectRateLimited(await upload(s.cookie), 'uploadsPerPerson', 3600)
    expect(await assetRows(s.workspaceId)).toBe(rows)
    expect(await storeFiles()).toEqual(files)
    expect((await upload(colleagueCookie)).status).toBe(201)
  })

  it("refuses bytes past the workspace's storage quota naming the limit and the use, storing nothing; the same bytes again still go in", async () => {
    const s = await studio('Sam')
    const first = noisePng(300, 300) // ~88 KB of the 150 KB quota
    expect((await call('POST', `/api/uploads?boardId=${s.boardId}`, { cookie: s.cookie, bytes: first })).status).toBe(201)
    const [rows, files] = [await assetRows(s.workspaceId), await storeFiles()]
    const second = await call('POST', `/api/uploads?boardId=${s.boardId}`, { cookie: s.cookie, bytes: noisePng(300, 300) })
    expect(second.status).toBe(403)
    expect(second.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      limit: 'workspaceStorageBytes',
      message: expect.stringMatching(/^This workspace's storage is full: it holds 88\.\d KB of its 150 KB limit, and this file is 88\.\d KB\.$/),
    })
    expect(await assetRows(s.workspaceId)).toBe(rows)
    expect(await storeFiles()).toEqual(files)
    const again = await call('POST', `/api/uploads?boardId=${s.boardId}`, { cookie: s.cookie, bytes: first })
    expect(again.status).toBe(201)
    expect(again.body).toMatchObject({ deduplicated: true })
  })
})

describe('generations', () => {
  it('stops a person past their budget and a workspace past its own; an outsider cannot spend it', async () => {
    const [plate] = await stack.sql<{ sha256: string }[]>`SELECT sha256 FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type = 'image/png' ORDER BY created_at LIMIT 1`
    const start = (cookie: string) =>
      call('POST', '/api/generations', {
        cookie,
        json: { boardId: stack.boardId, shotId: 'shape:demo-shot-1', model: 'previz', params: { duration: 2 }, references: [{ shapeId: 'shape:demo-ref-lighthouse', assetSha256: plate!.sha256 }] },
      })
    const [ada, ben] = [(await signInCookie(stack, 'local:ada')).cookie, (await signInCookie(stack, 'local:ben')).cookie]
    const before = (await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations WHERE board_id = ${stack.boardId}`)[0]!.n
    const outsider = await studio('Olga')
    for (let i = 0; i < 3; i++) expect((await start(ada)).status).toBe(202)
    expectRateLimited(await start(ada), 'generationsPerPerson', 3600)
    // Someone of another workspace is refused by access, and spends nothing of this workspace's budget.
    for (let i = 0; i < 3; i++) expect((await start(outsider.cookie)).status).toBe(403)
    expect((await start(ben)).status).toBe(202)
    expect((await start(ben)).status).toBe(202)
    expectRateLimited(await start(ben), 'generationsPerWorkspace', 3600)
    const [row] = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations WHERE board_id = ${stack.boardId}`
    expect(row!.n - before).toBe(5)
  })
})

describe('boards and checkpoints', () => {
  it('refuses a board past the workspace quota, naming it', async () => {
    const s = await studio('Bo')
    expect((await call('POST', '/api/boards', { cookie: s.cookie, json: { workspaceId: s.workspaceId, name: 'Second' } })).status).toBe(201)
    const third = await call('POST', '/api/boards', { cookie: s.cookie, json: { workspaceId: s.workspaceId, name: 'Third' } })
    expect(third.status).toBe(403)
    expect(third.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 'boardsPerWorkspace', message: 'This workspace has 2 boards, the most it may hold (limit 2).' })
    const [row] = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM boards WHERE workspace_id = ${s.workspaceId}`
    expect(row!.n).toBe(2)
  })

  it("refuses a checkpoint, and a restore (which saves one first), past the board's quota", async () => {
    const s = await studio('Cleo')
    const save = (name: string) => call('POST', `/api/boards/${s.boardId}/checkpoints`, { cookie: s.cookie, json: { name } })
    expect((await save('One')).status).toBe(201)
    const two = await save('Two')
    expect(two.status).toBe(201)
    const third = await save('Three')
    expect(third.status).toBe(403)
    expect(third.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 'checkpointsPerBoard', message: 'This board already holds 2 checkpoints, the most a board keeps (limit 2).' })
    const restore = await call('POST', `/api/boards/${s.boardId}/checkpoints/${(two.body.checkpoint as { id: string }).id}/restore`, { cookie: s.cookie })
    expect(restore.status).toBe(403)
    expect(restore.body.error?.message).toMatch(/^A restore first saves the current board as a checkpoint/)
    const [row] = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM board_checkpoints WHERE board_id = ${s.boardId}`
    expect(row!.n).toBe(2)
  })
})
