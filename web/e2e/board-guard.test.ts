import path from 'node:path'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBoardCommandStream, getRecords, publishBoardCommand } from '@montage/board'
import { geoShape, variationShape } from '@montage/board/testing'
import { appendBoardUpdate, loadBoardUpdates } from '@montage/db'
import { openBoard, SCREENSHOT_DIR, sessionTokenOf, showShapes, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, signInCookie, type SucceededVariation } from './review-fixtures'

let stack: E2EStack
let approved: SucceededVariation
const SHOT = 'shape:demo-shot-1'

/** The canvas's editor, as the board page exposes it to tests. */
type TEditorWindow = { __montageEditor: { deleteShapes(ids: string[]): void; createShape(s: unknown): void; getShape(id: string): unknown } }

beforeAll(async () => {
  // A collab-server that takes smaller records than the canvas checks for: the one refusal the
  // browser cannot see coming, so its recovery can be watched.
  stack = await startE2EStack({ services: ['web', 'collab-server'], env: { COLLAB_MAX_RECORD_KB: '16' } })
  const producer = await signInCookie(stack, 'local:ada')
  approved = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: SHOT, createdBy: producer.userId })
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  try {
    await ensureBoardCommandStream(await jetstreamManager(nc))
    await publishBoardCommand(jetstream(nc), { id: `approve:${approved.variationId}`, type: 'variation.upsert', boardId: stack.boardId, variationId: approved.variationId, patch: { reviewState: 'approved' } })
  } finally {
    await nc.close()
  }
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

/** A raw Yjs client with a member's session, as a script (or a hostile member) would connect. */
async function rawClient(token: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider; closed: Promise<{ code: number; reason: string }> }> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${stack.collabUrl}/boards`, stack.boardId, doc, { params: { token }, WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => provider.on('connection-close', (e: { code: number; reason: string } | null) => e && resolve({ code: e.code, reason: String(e.reason) })))
  await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())))
  return { doc, provider, closed }
}

async function guestLinkStatus(): Promise<number> {
  const producer = await signInCookie(stack, 'local:ada')
  const res = await fetch(`${stack.baseUrl}/api/boards/${stack.boardId}/review-links`, { method: 'POST', headers: { cookie: producer.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'board', expiresInHours: 1 }) })
  const { link } = (await res.json()) as { link: { url: string } }
  const r = `${stack.baseUrl}/api${link.url}`
  const session = await fetch(`${r}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Carla Client' }) })
  const cookie = session.headers.getSetCookie()[0]!.split(';')[0]!
  return (await fetch(r, { headers: { cookie } })).status
}

describe('the board is the server’s to guard', () => {
  it("a member's update that would break the board is refused; the board opens for everyone and the guest link answers", async () => {
    const ben = await stack.signedIn('local:ben')
    const hostile = await rawClient(await sessionTokenOf(ben))
    hostile.doc.getArray<unknown>('records').push([null])
    expect(await hostile.closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^Change refused: .*records entry/) })
    hostile.provider.destroy()

    // Bad data stored before the server checked updates (as the issue found it on main): skipped, not fatal.
    const legacy = new Y.Doc()
    Y.applyUpdate(legacy, Y.mergeUpdates(await loadBoardUpdates(stack.sql, stack.boardId)))
    legacy.getArray<unknown>('records').push([null, { key: 'shape:no-props', val: { ...geoShape('shape:no-props'), props: undefined } }, { key: 'shape:v-null', val: { ...variationShape('shape:v-null'), props: null } }])
    await appendBoardUpdate(stack.sql, { boardId: stack.boardId, update: Y.encodeStateAsUpdate(legacy) })

    const page = await ben.newPage()
    await openBoard(page, stack.boardId)
    await showShapes(page, [SHOT])
    await page.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`).waitFor()
    expect(await page.locator('[data-testid=sync-problem]').count()).toBe(0)
    expect(await guestLinkStatus()).toBe(200)
  })

  it('a change the board would refuse is taken back on the canvas with the reason, and the connection stays', async () => {
    const ben = await stack.signedIn('local:ben')
    const page = await ben.newPage()
    await openBoard(page, stack.boardId)
    await showShapes(page, [SHOT, approved.variationId])
    // Deleting the shot would orphan a variation a producer approved.
    await page.evaluate((id) => {
      ;(window as unknown as TEditorWindow).__montageEditor.deleteShapes([id])
    }, SHOT)
    const notice = page.locator('[data-testid=sync-notice]')
    await expect.poll(() => notice.textContent()).toMatch(/holds approved .* cannot be deleted/)
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'refused-change.png') })
    expect(await page.evaluate((id) => !!(window as unknown as TEditorWindow).__montageEditor.getShape(id), SHOT)).toBe(true)
    expect(await page.locator('[data-testid=sync-status]').getAttribute('data-status')).toBe('live')
  })

  it('when the server refuses what the canvas let through, the board reloads from the server without it', async () => {
    const ben = await stack.signedIn('local:ben')
    const page = await ben.newPage()
    await openBoard(page, stack.boardId)
    // 20 KB of meta: within the canvas's limit, over this server's 16 KB.
    await page.evaluate(() => {
      ;(window as unknown as TEditorWindow).__montageEditor.createShape({ id: 'shape:too-big', type: 'geo', x: 0, y: -400, meta: { notes: 'x'.repeat(20 * 1024) } })
    })
    const notice = page.locator('[data-testid=sync-notice]')
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toMatch(/Your last change was not saved: .*at most 16 KB/)
    await page.locator('[data-testid=sync-status][data-status=live]').waitFor({ timeout: 30_000 })
    await expect.poll(() => page.evaluate(() => !!(window as unknown as TEditorWindow).__montageEditor.getShape('shape:too-big'))).toBe(false)
    // This browser's stored copy was cleared too: a reload does not send the refused shape again.
    await page.reload()
    await openBoard(page, stack.boardId)
    expect(await page.evaluate(() => !!(window as unknown as TEditorWindow).__montageEditor.getShape('shape:too-big'))).toBe(false)
    const stored = new Y.Doc()
    Y.applyUpdate(stored, Y.mergeUpdates(await loadBoardUpdates(stack.sql, stack.boardId)))
    expect(getRecords(stored).has('shape:too-big')).toBe(false)
  })
})
