import { createHash, randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { ZWebhookEvent, type TWebhookEvent } from '@montage/core'
import { verifyWebhookSignature } from '@montage/core/webhooks'
import { getCreditBalance, grantCredits } from '@montage/db'
import { resolveFfmpegPaths, RunwayStandIn, writeTestClip } from '@montage/gpu-worker/testing'
import { renderDemoPlate } from '@montage/infra'
import { startWebhookReceiver, type TWebhookReceiver } from '@montage/workflows/testing'
import { SCREENSHOT_DIR, openBoard, showShapes, startE2EStack, type E2EStack } from './harness'
import { signInCookie } from './review-fixtures'

/**
 * The public API (issue 14), driven as a script would: API keys only, no cookie, against the real
 * stack; a browser on the board watches what the script makes arrive. Runway is its stand-in (the
 * documented task API, holding each body to the SDK's types); webhooks arrive at an HTTP receiver
 * on loopback, which the stack allows explicitly (MONTAGE_WEBHOOKS_ALLOW_PRIVATE=1).
 */

const RUNWAY_SECRET = `key_${randomUUID()}`
let stack: E2EStack
let standIn: RunwayStandIn
let receiver: TWebhookReceiver
let dir: string
/** What Runway's stand-in answers with: a short clip. */
let runwayOutput: Buffer

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'montage-public-api-'))
  const clip = path.join(dir, 'runway-out.mp4')
  await writeTestClip(resolveFfmpegPaths(process.env).ffmpeg, clip, { width: 320, height: 180, fps: 24, seconds: 2, rgb: ['40+X/3', '80', '160-Y/2'] })
  runwayOutput = await readFile(clip)
  standIn = await new RunwayStandIn({ apiSecret: RUNWAY_SECRET, plan: (_e, _b, s) => [{ status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [s.addOutput(runwayOutput, 'video/mp4')] }] }).start()
  receiver = await startWebhookReceiver()
  stack = await startE2EStack({
    env: {
      // Small enough to reach in a test, large enough for a poll every 2 s (the window is a minute).
      RATE_LIMIT_REQUESTS_PER_API_KEY: '150/1m',
      RUNWAYML_API_SECRET: RUNWAY_SECRET,
      RUNWAY_API_BASE_URL: standIn.baseUrl,
      RUNWAY_POLL_INTERVAL_MS: '50',
      MONTAGE_WEBHOOKS_ALLOW_PRIVATE: '1',
      WEBHOOK_RETRY_INITIAL_MS: '100',
      WEBHOOK_RETRY_MAX_INTERVAL_MS: '400',
    },
  })
  await grantCredits(stack.sql, { workspaceId: stack.workspaceId, amount: 500, note: 'public-api brief' })
}, 240_000)

afterAll(async () => {
  await stack?.close()
  await receiver?.close()
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface ApiAnswer<T = Record<string, unknown>> {
  status: number
  body: T & { error?: { code: string; message: string; field?: string } }
  headers: Headers
}

/** One request with a key and nothing else: no cookie ever travels. */
async function api<T = Record<string, unknown>>(key: string, method: string, pathAndQuery: string, opts: { json?: unknown; bytes?: Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...(opts.headers ?? {}) }
  let body: BodyInit | undefined
  if (opts.bytes) body = opts.bytes
  else if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(`${stack.baseUrl}${pathAndQuery}`, { method, headers, body })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as ApiAnswer<T>['body'], headers: res.headers }
}

/** A key made through the API by a signed-in person (as the settings page does). */
async function keyOf(subject: string, scopes: string[], name = `${subject} ${scopes.join('+')}`): Promise<{ id: string; secret: string }> {
  const { cookie } = await signInCookie(stack, subject)
  const res = await fetch(`${stack.baseUrl}/api/workspaces/${stack.workspaceId}/api-keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name, scopes }) })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { apiKey: { id: string }; secret: string }
  return { id: body.apiKey.id, secret: body.secret }
}

/** Whether the board open in this page holds the shape (the canvas's own store, as the person's screen draws it). */
function shapeProps(page: Page, id: string): Promise<Record<string, unknown> | null> {
  return page.evaluate((id) => {
    const editor = (window as unknown as { __montageEditor: { getShape(id: string): { props: Record<string, unknown> } | undefined } }).__montageEditor
    return editor.getShape(id)?.props ?? null
  }, id)
}

describe('public API: keys in the settings page', () => {
  let sam: BrowserContext

  beforeAll(async () => {
    sam = await stack.signedIn('local:sam')
  })
  afterAll(async () => {
    await sam?.close()
  })

  it('an owner creates a key that is shown once and stored only as its hash, sees when it was last used, and revokes it', async () => {
    const page = await sam.newPage()
    await page.goto(`/workspaces/${stack.workspaceId}/settings`)
    await page.locator('[data-testid=api-keys-panel]').waitFor()
    await expect.poll(() => page.locator('[data-testid=api-key-list]').textContent()).toContain('No API keys yet')
    await page.locator('[data-testid=api-key-name]').fill('Render farm')
    await page.locator('[data-testid=api-key-scope-generate]').check()
    await page.locator('[data-testid=api-key-create]').click()
    const secret = (await page.locator('[data-testid=api-key-secret] code').textContent())!
    expect(secret).toMatch(/^mtg_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/)
    const row = page.locator('[data-testid=api-key-row]', { hasText: 'Render farm' })
    await expect.poll(() => row.textContent()).toContain('never used')
    expect(await row.textContent()).toMatch(/read.*generate/)
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'api-keys.png'), fullPage: true })

    // Only the secret's sha256 is kept: no column holds the key.
    const [stored] = await stack.sql<{ row: string; secret_hash: string }[]>`SELECT row_to_json(k)::text AS row, secret_hash FROM api_keys k WHERE name = 'Render farm'`
    const [, , secretPart] = /^mtg_([0-9a-f]{32})_(.+)$/.exec(secret)!
    expect(stored!.secret_hash).toBe(createHash('sha256').update(secretPart!).digest('hex'))
    expect(stored!.row).not.toContain(secretPart!)

    // The key works alone and sees only its workspace; the page then says when it was last used.
    const me = await api<{ memberships: { workspaceId: string }[]; apiKey: { name: string; workspaceId: string; scopes: string[] } }>(secret, 'GET', '/api/me')
    expect(me.status).toBe(200)
    expect(me.body.memberships.map((m) => m.workspaceId)).toEqual([stack.workspaceId])
    expect(me.body.apiKey).toMatchObject({ name: 'Render farm', workspaceId: stack.workspaceId, scopes: ['read', 'generate'] })
    await page.reload()
    await expect.poll(() => row.textContent()).toContain('last used')
    // Shown once: a reload shows no secret.
    expect(await page.locator('[data-testid=api-key-secret]').count()).toBe(0)

    await row.locator('[data-testid=api-key-revoke]').click()
    await expect.poll(() => row.getAttribute('data-state')).toBe('revoked')
    const after = await api(secret, 'GET', '/api/me')
    expect(after.status).toBe(401)
    expect(after.body.error?.message).toMatch(/API key is not valid/)
    // A key with one character changed is refused the same way.
    const forged = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A')
    expect((await api(forged, 'GET', '/api/me')).status).toBe(401)
    await page.close()
  })

  it('an editor gets no settings page, and a bad key request is refused naming what was wrong', async () => {
    const ben = await stack.signedIn('local:ben')
    const page = await ben.newPage()
    await page.goto(`/workspaces/${stack.workspaceId}/settings`)
    await page.locator('[data-testid=forbidden]').waitFor()
    await ben.close()
    const { cookie } = await signInCookie(stack, 'local:sam')
    const bad = await fetch(`${stack.baseUrl}/api/workspaces/${stack.workspaceId}/api-keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', scopes: ['everything'] }) })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { field: string } }).error.field).toMatch(/^scopes/)
    expect(await stack.sql`SELECT id FROM api_keys WHERE name = 'x'`).toHaveLength(0)
    expect((await fetch(`${stack.baseUrl}/api/me`, { headers: { authorization: 'Basic c2FtOnNhbQ==' } })).status).toBe(401)
  })
})

describe('public API: a script with keys only', () => {
  it('creates a board and shots, uploads a reference, starts a previz once whatever the retries and a Runway Gen-4.5, polls them to success, comments and approves, and gets a signed webhook for each; a browser watching sees it all arrive', async () => {
    const generate = await keyOf('local:sam', ['read', 'generate'])
    const review = await keyOf('local:ada', ['review']) // a producer's key: may approve
    const admin = await keyOf('local:sam', ['admin'])

    // The script's own receiver, subscribed with a key to every event the brief makes.
    const hook = await api<{ endpoint: { id: string }; secret: string }>(admin.secret, 'POST', `/api/workspaces/${stack.workspaceId}/webhooks`, {
      json: { url: `${receiver.url}/brief`, description: 'Brief script', events: ['generation.succeeded', 'generation.failed', 'comment.created', 'decision.recorded'] },
    })
    expect(hook.status).toBe(201)
    const hookSecret = hook.body.secret

    const board = await api<{ id: string }>(generate.secret, 'POST', '/api/boards', { json: { workspaceId: stack.workspaceId, name: `API board ${randomUUID().slice(0, 6)}` } })
    expect(board.status).toBe(201)
    const boardId = board.body.id

    // Someone watching the new board in a browser.
    const ben = await stack.signedIn('local:ben')
    const page = await ben.newPage()
    await openBoard(page, boardId)

    const plateBytes = await renderDemoPlate(1280, 720)
    const plate = new Uint8Array(plateBytes)
    const upload = await api<{ asset: { sha256: string } }>(generate.secret, 'POST', `/api/uploads?boardId=${boardId}&shapeId=shape:api-plate`, { bytes: plate, headers: { 'content-type': 'image/png' } })
    expect(upload.status).toBe(201)
    const plateSha256 = upload.body.asset.sha256

    const shot = await api<{ shot: { id: string; title: string } }>(generate.secret, 'POST', `/api/boards/${boardId}/shots`, { json: { title: 'Harbour at dawn', prompt: 'slow push over the water', duration: 2 } })
    expect(shot.status).toBe(201)
    const shotId = shot.body.shot.id
    await expect.poll(() => shapeProps(page, shotId), { timeout: 30_000 }).toMatchObject({ title: 'Harbour at dawn', prompt: 'slow push over the water' })

    const balanceBefore = await getCreditBalance(stack.sql, stack.workspaceId)
    const request = { boardId, shotId, model: 'previz', params: { duration: 2 }, references: [{ shapeId: 'shape:api-plate', assetSha256: plateSha256 }] }
    const idempotency = { 'idempotency-key': `api-test-${randomUUID()}` }
    const first = await api<{ generationId: string; variationId: string }>(generate.secret, 'POST', '/api/generations', { json: request, headers: idempotency })
    expect(first.status).toBe(202)
    // The script's retry: the same answer, nothing started or charged again.
    const retry = await api(generate.secret, 'POST', '/api/generations', { json: { ...request }, headers: idempotency })
    expect(retry.status).toBe(202)
    expect(retry.body).toEqual(first.body)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    // The same key with another request is refused, naming the key.
    const misuse = await api(generate.secret, 'POST', '/api/generations', { json: { ...request, params: { duration: 3 } }, headers: idempotency })
    expect(misuse.status).toBe(409)
    expect(misuse.body.error?.message).toContain(idempotency['idempotency-key'])
    const rows = await stack.sql<{ id: string }[]>`SELECT id FROM generations WHERE board_id = ${boardId}`
    expect(rows.map((r) => r.id)).toEqual([first.body.generationId])
    // The key's claim was marked charged with the charge itself: had the server stopped before
    // answering, a retry would have been told so rather than charged again.
    const [claim] = await stack.sql<{ charged: boolean }[]>`SELECT charged_at IS NOT NULL AS charged FROM idempotency_keys WHERE key = ${idempotency['idempotency-key']}`
    expect(claim?.charged).toBe(true)

    // A second shot, made by Runway's Gen-4.5 from the uploaded plate (its first frame).
    const runwayShot = await api<{ shot: { id: string } }>(generate.secret, 'POST', `/api/boards/${boardId}/shots`, { json: { title: 'Harbour, Runway', prompt: 'gulls lift off the pier', duration: 2 } })
    expect(runwayShot.status).toBe(201)
    const runwayShotId = runwayShot.body.shot.id
    await expect.poll(() => shapeProps(page, runwayShotId), { timeout: 30_000 }).toMatchObject({ title: 'Harbour, Runway' })
    const tasksBefore = standIn.tasks.size
    const runway = await api<{ generationId: string; variationId: string }>(generate.secret, 'POST', '/api/generations', {
      json: { boardId, shotId: runwayShotId, model: 'gen4.5', prompt: 'gulls lift off the pier', params: { duration: 2, aspectRatio: '16:9' }, references: [{ shapeId: 'shape:api-plate', assetSha256: plateSha256 }] },
      headers: { 'idempotency-key': `api-test-${randomUUID()}` },
    })
    expect(runway.status, JSON.stringify(runway.body)).toBe(202)

    // Poll both generations to their end, as a script would.
    type TGenerationAnswer = { status: string; credits: number; variationId: string; output: { sha256: string; mimeType: string } | null }
    const done: Record<string, TGenerationAnswer> = {}
    for (const started = Date.now(); Date.now() - started < 240_000 && Object.keys(done).length < 2; await new Promise((r) => setTimeout(r, 2000))) {
      for (const id of [first.body.generationId, runway.body.generationId].filter((id) => !done[id])) {
        const got = await api<TGenerationAnswer>(generate.secret, 'GET', `/api/generations/${id}`)
        expect(got.status).toBe(200)
        if (['succeeded', 'failed', 'cancelled'].includes(got.body.status)) done[id] = got.body
      }
    }
    const generation = done[first.body.generationId]
    expect(generation?.status).toBe('succeeded')
    expect(generation?.output?.mimeType).toBe('video/mp4')
    expect(generation?.variationId).toBe(first.body.variationId)
    const runwayGeneration = done[runway.body.generationId]
    expect(runwayGeneration).toMatchObject({ status: 'succeeded', variationId: runway.body.variationId, output: { mimeType: 'video/mp4' } })
    // Runway was asked once, for image-to-video from the plate, and what it made is what the API serves.
    const tasks = [...standIn.tasks.values()].slice(tasksBefore)
    expect(tasks.map((t) => [t.endpoint, t.body.model])).toEqual([['image_to_video', 'gen4.5']])
    expect(tasks[0]!.body.promptImage).toBe(`data:image/png;base64,${Buffer.from(plateBytes).toString('base64')}`)
    expect(runwayGeneration!.output!.sha256).toBe(createHash('sha256').update(runwayOutput).digest('hex'))
    // Each charged once.
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(balanceBefore - generation!.credits - runwayGeneration!.credits)
    await expect.poll(() => shapeProps(page, runway.body.variationId), { timeout: 30_000 }).toMatchObject({ shotId: runwayShotId, status: 'succeeded', model: 'gen4.5' })

    // The browser shows the variation beside the shot, playing.
    const variationId = first.body.variationId
    await expect.poll(() => shapeProps(page, variationId), { timeout: 30_000 }).toMatchObject({ shotId, status: 'succeeded' })
    await showShapes(page, [shotId, variationId])
    await page.locator(`[data-testid=variation][data-shape-id="${variationId}"][data-status=succeeded]`).waitFor({ timeout: 30_000 })

    // Lists by board, shot and status; the board's variations as stored.
    const listed = await api<{ items: { id: string }[]; nextCursor: string | null }>(generate.secret, 'GET', `/api/generations?boardId=${boardId}&shotId=${encodeURIComponent(shotId)}&status=succeeded`)
    expect(listed.body.items.map((g) => g.id)).toEqual([first.body.generationId])
    expect((await api<{ items: unknown[] }>(generate.secret, 'GET', `/api/generations?boardId=${boardId}&status=failed`)).body.items).toEqual([])
    await expect
      .poll(async () => (await api<{ items: { id: string; status: string }[] }>(generate.secret, 'GET', `/api/boards/${boardId}/variations?shotId=${encodeURIComponent(shotId)}`)).body.items, { timeout: 30_000 })
      .toEqual([expect.objectContaining({ id: variationId, status: 'succeeded', shotId })])

    // A generate key may not comment or approve; the producer's review key may.
    const notYours = await api(generate.secret, 'POST', `/api/boards/${boardId}/comments`, { json: { variationId, body: 'from the farm' } })
    expect(notYours.status).toBe(403)
    expect(notYours.body.error?.message).toMatch(/scopes \(read, generate\)/)
    const comment = await api(review.secret, 'POST', `/api/boards/${boardId}/comments`, { json: { variationId, body: 'Lovely light on the water', timeSeconds: 0.5 } })
    expect(comment.status).toBe(201)
    expect((await api(generate.secret, 'POST', `/api/boards/${boardId}/variations/${encodeURIComponent(variationId)}/decision`, { json: { decision: 'approved' } })).status).toBe(403)
    const decision = await api(review.secret, 'POST', `/api/boards/${boardId}/variations/${encodeURIComponent(variationId)}/decision`, { json: { decision: 'approved' } })
    expect(decision.status).toBe(201)
    await expect.poll(() => shapeProps(page, variationId), { timeout: 30_000 }).toMatchObject({ reviewState: 'approved' })
    const comments = await api<{ items: { body: string; author: { name: string } }[]; nextCursor: string | null }>(review.secret, 'GET', `/api/boards/${boardId}/comments?variationId=${encodeURIComponent(variationId)}`)
    expect(comments.body.nextCursor).toBeNull()
    expect(comments.body.items.map((c) => [c.body, c.author.name])).toEqual([['Lovely light on the water', 'Ada Moreau']])
    const decisions = await api<{ items: { variationId: string; decision: string; by: { name: string } }[]; nextCursor: string | null }>(review.secret, 'GET', `/api/boards/${boardId}/decisions`)
    expect(decisions.body).toEqual({ items: [expect.objectContaining({ variationId, decision: 'approved', by: expect.objectContaining({ name: 'Ada Moreau' }) })], nextCursor: null })
    // The board's assets: the plate as an upload, both outputs as outputs.
    await expect
      .poll(async () => (await api<{ items: { sha256: string; roles: string[] }[] }>(generate.secret, 'GET', `/api/boards/${boardId}/assets`)).body.items.map((a) => [a.sha256, a.roles]), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([[plateSha256, ['upload']], [generation!.output!.sha256, ['output']], [runwayGeneration!.output!.sha256, ['output']]]))
    const uploads = await api<{ items: { sha256: string }[] }>(generate.secret, 'GET', `/api/boards/${boardId}/assets?role=upload`)
    expect(uploads.body.items.map((a) => a.sha256)).toEqual([plateSha256])
    const badRole = await api(generate.secret, 'GET', `/api/boards/${boardId}/assets?role=poster`)
    expect([badRole.status, badRole.body.error?.field]).toEqual([400, 'role'])
    const unknownParam = await api(review.secret, 'GET', `/api/boards/${boardId}/decisions?colour=red`)
    expect([unknownParam.status, unknownParam.body.error?.field]).toEqual([400, 'colour'])

    // A signed delivery for each event, in the script's receiver: two renders, the comment, the approval.
    const events = new Map<string, TWebhookEvent>()
    const deadline = Date.now() + 60_000
    while (events.size < 4 && Date.now() < deadline) {
      for (const req of await receiver.waitFor(events.size + 1, 2_000)) {
        expect(verifyWebhookSignature({ secret: hookSecret, body: req.body, header: req.headers['montage-signature'] as string })).toMatchObject({ ok: true })
        // Signed with this endpoint's secret and nobody else's.
        expect(verifyWebhookSignature({ secret: `${hookSecret}x`, body: req.body, header: req.headers['montage-signature'] as string })).toMatchObject({ ok: false })
        const event = ZWebhookEvent.parse(JSON.parse(req.body))
        if ('boardId' in event.data && event.data.boardId === boardId) events.set(event.id, event)
      }
    }
    const seen = [...events.values()].map((e) => {
      switch (e.type) {
        case 'generation.succeeded':
          return [e.type, e.data.generationId]
        case 'comment.created':
          return [e.type, e.data.body]
        case 'decision.recorded':
          return [e.type, `${e.data.decision} ${e.data.variationId}`]
        default:
          return [e.type, '']
      }
    })
    expect(seen).toEqual(
      expect.arrayContaining([
        ['generation.succeeded', first.body.generationId],
        ['generation.succeeded', runway.body.generationId],
        ['comment.created', 'Lovely light on the water'],
        ['decision.recorded', `approved ${variationId}`],
      ]),
    )
    expect(seen).toHaveLength(4)

    // The browser watching the board shows both shots' variations finished, the approval on the first.
    await showShapes(page, [shotId, variationId, runwayShotId, runway.body.variationId])
    await page.locator(`[data-testid=variation][data-shape-id="${runway.body.variationId}"][data-status=succeeded]`).waitFor({ timeout: 30_000 })
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'public-api-brief.png') })
    await ben.close()
  }, 600_000)
})

describe('public API: limits and pages', () => {
  it('rate-limits each key on its own: 429 with Retry-After, while another key goes on', async () => {
    const busy = await keyOf('local:sam', ['read'], 'busy script')
    const calm = await keyOf('local:sam', ['read'], 'calm script')
    let refused: ApiAnswer | undefined
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await api(busy.secret, 'GET', `/api/boards/${stack.boardId}`)
      if (res.status === 429) refused = res
      else expect(res.status).toBe(200)
    }
    expect(refused?.body.error?.code).toBe('RATE_LIMITED')
    expect(refused?.body.error?.message).toMatch(/requests with this API key: at most 150/)
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await api(calm.secret, 'GET', `/api/boards/${stack.boardId}`)).status).toBe(200)
  })

  it('walks the boards page by page with the cursor, each once, and refuses a cursor it did not hand out', async () => {
    const key = await keyOf('local:sam', ['read', 'generate'], 'pager')
    for (let i = 0; i < 3; i++) expect((await api(key.secret, 'POST', '/api/boards', { json: { workspaceId: stack.workspaceId, name: `Paged ${i}` } })).status).toBe(201)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: ApiAnswer<{ items: { id: string }[]; nextCursor: string | null }> = await api(key.secret, 'GET', `/api/boards?workspaceId=${stack.workspaceId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.status).toBe(200)
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.items.map((b) => b.id))
      cursor = page.body.nextCursor
    } while (cursor)
    const all = await stack.sql<{ id: string }[]>`SELECT id FROM boards WHERE workspace_id = ${stack.workspaceId} ORDER BY created_at, id`
    expect(seen).toEqual(all.map((b) => b.id))
    const bad = await api(key.secret, 'GET', `/api/boards?workspaceId=${stack.workspaceId}&cursor=not-ours`)
    expect(bad.status).toBe(400)
    expect(bad.body.error?.field).toBe('cursor')
    expect((await api(key.secret, 'GET', `/api/boards?workspaceId=${stack.workspaceId}&limit=1000`)).body.error?.field).toBe('limit')
  })
})
