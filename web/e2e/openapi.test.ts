import { randomUUID } from 'node:crypto'
import path from 'node:path'
import * as Y from 'yjs'
import Ajv2020 from 'ajv/dist/2020'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_ROUTES, fillExample, keyCallable, type TApiAuth, type TApiRoute } from '@montage/core'
import {
  addMember,
  createApiKey,
  createBoard,
  createBoardCheckpoint,
  createComment,
  createLibraryReference,
  createReviewLink,
  createWebhookEndpoint,
  createWorkspaceInvite,
  loadBoardUpdates,
  recordWebhookEvent,
  upsertUser,
} from '@montage/db'
import { SCREENSHOT_DIR, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation } from './review-fixtures'

/**
 * The OpenAPI document against the running app (issue 14): every documented example request is
 * sent with an API key of exactly the route's scope (no cookie), its placeholders filled from a
 * board, shot, variation and the rest made here, and the answer is checked against the JSON Schema
 * the served /api/openapi.json documents for that status.
 */

let stack: E2EStack
/** The owner's keys, one per scope. */
const keys = new Map<TApiAuth, string>()
/** What the examples' `{placeholders}` stand for. */
let values: Record<string, string>

type TDoc = {
  openapi: string
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>
  components: { schemas: Record<string, unknown> }
}
let doc: TDoc

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
  const sql = stack.sql
  const [sam] = await sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:sam'`
  const by = sam!.id
  for (const scope of ['read', 'generate', 'review', 'admin'] as const) {
    keys.set(scope, (await createApiKey(sql, { workspaceId: stack.workspaceId, name: `openapi ${scope}`, scopes: [scope], createdBy: by })).secret)
  }
  const shotId = 'shape:demo-shot-1'
  const variation = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId, createdBy: by })
  const [plate] = await sql<{ sha256: string; id: string }[]>`SELECT sha256, id FROM assets WHERE workspace_id = ${stack.workspaceId} AND mime_type = 'image/png' ORDER BY created_at LIMIT 1`
  const [poster] = await sql<{ id: string }[]>`SELECT id FROM assets WHERE workspace_id = ${stack.workspaceId} AND sha256 = ${variation.posterSha256}`
  const doc0 = new Y.Doc()
  Y.applyUpdate(doc0, Y.mergeUpdates(await loadBoardUpdates(sql, stack.boardId)))
  const checkpoint = await createBoardCheckpoint(sql, { boardId: stack.boardId, name: 'OpenAPI', snapshot: Y.encodeStateAsUpdate(doc0), createdBy: by })
  const comment = await createComment(sql, { boardId: stack.boardId, variationId: variation.variationId, author: { id: by, name: 'Sam' }, body: 'To resolve', mentions: [] })
  const reference = await createLibraryReference(sql, { workspaceId: stack.workspaceId, tag: 'openapi_ref', kind: 'character', name: '', assetIds: [plate!.id], createdBy: by })
  const link = await createReviewLink(sql, { boardId: stack.boardId, scope: 'board', expiresInHours: 1, createdBy: by })
  const invite = await createWorkspaceInvite(sql, { workspaceId: stack.workspaceId, role: 'reviewer', expiresInHours: 1, maxUses: 1, createdBy: by })
  const spareKey = await createApiKey(sql, { workspaceId: stack.workspaceId, name: 'Revoke me', scopes: ['read'], createdBy: by })
  const { endpoint } = await createWebhookEndpoint(sql, { workspaceId: stack.workspaceId, url: 'https://93.184.215.14/openapi', events: ['decision.recorded'], createdBy: by })
  // A paused endpoint: the event is recorded for it (skipped) and never sent; replay starts a delivery.
  const { endpoint: paused } = await createWebhookEndpoint(sql, { workspaceId: stack.workspaceId, url: 'https://93.184.215.14/replayed', events: ['generation.failed'], createdBy: by })
  await sql`UPDATE webhook_endpoints SET paused_at = now() WHERE id = ${paused.id}`
  await recordWebhookEvent(sql, { id: `openapi-${randomUUID()}`, type: 'generation.failed', workspaceId: stack.workspaceId, createdAt: new Date().toISOString(), data: { generationId: randomUUID(), boardId: stack.boardId, shotId, variationId: 'shape:openapi', model: 'previz', error: 'openapi' } })
  const [delivery] = await sql<{ id: string }[]>`SELECT id FROM webhook_deliveries WHERE endpoint_id = ${paused.id}`
  const member = await upsertUser(sql, { authSubject: `local:openapi-${randomUUID().slice(0, 8)}`, name: 'Mia Member' })
  await addMember(sql, { workspaceId: stack.workspaceId, userId: member.id, role: 'editor' })
  const spare = await createBoard(sql, { workspaceId: stack.workspaceId, name: 'Spare board', createdBy: by })
  values = {
    workspaceId: stack.workspaceId,
    boardId: stack.boardId,
    shotId,
    variationId: variation.variationId,
    generationId: variation.generationId,
    sha256: plate!.sha256,
    /** The demo board's reference card showing the plate (a previz needs one). */
    referenceShapeId: 'shape:demo-ref-lighthouse',
    assetId: plate!.id,
    posterAssetId: poster!.id,
    checkpointId: checkpoint.id,
    commentId: comment!.id,
    referenceId: reference.id,
    linkId: link.link.id,
    inviteId: invite.invite.id,
    keyId: spareKey.key.id,
    endpointId: endpoint.id,
    pausedEndpointId: paused.id,
    deliveryId: delivery!.id,
    memberUserId: member.id,
    spareBoardId: spare.id,
    spareBoardName: spare.name,
  }
  const res = await fetch(`${stack.baseUrl}/api/openapi.json`)
  expect(res.status).toBe(200)
  doc = (await res.json()) as TDoc
}, 300_000)

afterAll(async () => {
  await stack?.close()
})

/** The documented JSON Schema of one answer (the shared error shape resolved), or null for a file. */
function documentedSchema(route: TApiRoute, status: number): unknown {
  const answer = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses[String(status)]
  if (!answer) throw new Error(`${route.method} ${route.path}: ${status} is not a documented answer`)
  const json = answer.content?.['application/json']?.schema
  if (!json) return null
  return JSON.parse(JSON.stringify(json).replaceAll('"$ref":"#/components/schemas/Error"', `"$ref":"#/$defs/Error"`))
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })

describe('OpenAPI examples against the running app', () => {
  it('serves the document publicly, cacheable, and it documents the same operations as the registry', async () => {
    const res = await fetch(`${stack.baseUrl}/api/openapi.json`)
    expect(res.headers.get('cache-control')).toContain('public')
    expect(doc.openapi).toBe('3.1.0')
    const served = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort()
    expect(served).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort())
  })

  it('answers every example request, sent with a key of the route scope, as documented', async () => {
    const wrong: string[] = []
    let sent = 0
    for (const route of API_ROUTES.filter(keyCallable)) {
      for (const ex of route.examples ?? []) {
        const { url, body } = fillExample(route, ex, values)
        expect(url, `${route.method} ${route.path}: a placeholder the test does not fill`).not.toMatch(/\{\w+\}/)
        const headers: Record<string, string> = { authorization: `Bearer ${keys.get(route.auth)!}` }
        let payload: BodyInit | undefined
        if (ex.bytes) {
          payload = new Uint8Array(Buffer.from(ex.bytes.base64, 'base64'))
          headers['content-type'] = ex.bytes.contentType
        } else if (body !== undefined) {
          payload = JSON.stringify(body)
          headers['content-type'] = 'application/json'
        }
        const res = await fetch(`${stack.baseUrl}${url}`, { method: route.method, headers, body: payload })
        const text = route.method === 'HEAD' ? '' : await res.text()
        sent++
        const label = `${route.method} ${url} (${ex.summary})`
        // A success may come as another documented success (a checkpoint is 201 saved, or 202 while its room is open).
        const expected = ex.status < 300 ? Object.keys(route.responses).map(Number) : [ex.status]
        if (!expected.includes(res.status)) {
          wrong.push(`${label}: ${res.status}, documented ${ex.status}: ${text.slice(0, 300)}`)
          continue
        }
        const schema = documentedSchema(route, res.status)
        const type = res.headers.get('content-type') ?? ''
        if (schema === null) {
          // A file: not the JSON error shape, and the bytes (or the HEAD's length) are there.
          if (type.includes('application/json')) wrong.push(`${label}: JSON where a file is documented`)
          continue
        }
        if (!type.includes('application/json')) {
          wrong.push(`${label}: ${type} where JSON is documented`)
          continue
        }
        const validate = ajv.compile({ ...(schema as object), $defs: { Error: doc.components.schemas.Error } })
        if (!validate(JSON.parse(text))) wrong.push(`${label}: ${ajv.errorsText(validate.errors)}`)
      }
    }
    expect(sent).toBeGreaterThan(55)
    expect(wrong).toEqual([])
  }, 600_000)

  it('shows the reference page, grouped by tag, with a curl per example', async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1360, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${stack.baseUrl}/docs/api`)
    await page.locator('h1', { hasText: 'API reference' }).waitFor()
    expect(await page.locator('.api-tag > h2').allTextContents()).toContain('Generations')
    expect(await page.locator('.api-op').count()).toBe(API_ROUTES.length)
    const start = page.locator('#post-api-generations')
    await expect.poll(() => start.locator('.api-scope').textContent()).toBe('key: generate')
    expect(await start.locator('.api-curl').first().textContent()).toContain('Authorization: Bearer $MONTAGE_KEY')
    await page.locator('.api-nav-op', { hasText: 'Start a generation' }).click()
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'api-reference.png') })
    await context.close()
  })
})
