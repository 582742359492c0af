import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { BrowserContext } from 'playwright-core'
import { openBoard, startE2EStack, type E2EStack } from './harness'

let stack: E2EStack

beforeAll(async () => {
  // Two collab-server instances; the browsers talk to different ones and NATS carries the rest.
  stack = await startE2EStack({ services: ['collab-server', 'web'], collabInstances: 2 })
})

afterAll(async () => {
  await stack?.close()
})

type TEditorHandle = {
  createShape(s: unknown): void
  updateShape(s: unknown): void
  select(...ids: string[]): void
  getShape(id: string): { x: number } | undefined
  getCurrentPageShapeIds(): Set<string>
  setCamera(c: { x: number; y: number; z: number }): void
  getViewportPageBounds(): { center: { x: number; y: number } }
  store: { query: { records(t: string): { get(): { userName: string; selectedShapeIds: string[] }[] } } }
}
declare global {
  interface Window {
    __montageEditor?: TEditorHandle
  }
}

/** Sends this context's board sockets to another collab-server instance (a load balancer's job). */
async function routeToInstance(context: BrowserContext, fromUrl: string, toUrl: string, routed: { count: number }): Promise<void> {
  const port = new URL(fromUrl).port
  await context.routeWebSocket(new RegExp(`:${port}/boards/`), (route) => {
    routed.count++
    const upstream = new WebSocket(route.url().replace(/^ws:\/\/[^/]+/, toUrl))
    const queued: (string | Buffer)[] = []
    upstream.on('open', () => queued.splice(0).forEach((m) => upstream.send(m)))
    upstream.on('message', (data, isBinary) => route.send(isBinary ? (data as Buffer) : data.toString()))
    upstream.on('close', (code, reason) => route.close({ code: code >= 3000 || code === 1000 ? code : 1000, reason: reason.toString() }))
    upstream.on('error', () => route.close({ code: 1000 }))
    route.onMessage((m) => (upstream.readyState === WebSocket.OPEN ? upstream.send(m) : queued.push(m)))
    route.onClose(() => upstream.close())
  })
}

describe('multiplayer', () => {
  it("two people on different server instances see each other's cursors, selections and edits, and one follows the other", async () => {
    const ada = await stack.signedIn('local:ada')
    const ben = await stack.signedIn('local:ben')
    const routed = { count: 0 }
    await routeToInstance(ben, stack.collabUrl, stack.collabUrls[1]!, routed)
    const pageA = await ada.newPage()
    const pageB = await ben.newPage()
    await openBoard(pageA, stack.boardId)
    await openBoard(pageB, stack.boardId)
    expect(routed.count).toBeGreaterThan(0)
    const [adaUser] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:ada'`

    // Avatars: each sees the other in the top bar.
    await pageB.locator(`[data-testid=peer][data-user-id="${adaUser!.id}"]`).waitFor({ timeout: 30_000 })
    await pageA.locator('[data-testid=peer]').first().waitFor({ timeout: 30_000 })

    // A's cursor, with A's name, on B's canvas.
    const canvasA = pageA.locator('.tl-canvas')
    const box = (await canvasA.boundingBox())!
    for (let i = 0; i < 5; i++) await pageA.mouse.move(box.x + box.width / 2 + i * 10, box.y + box.height / 2 + i * 5)
    await pageB.locator('.tl-nametag, .tl-nametag-title').filter({ hasText: 'Ada Moreau' }).first().waitFor({ timeout: 30_000 })

    // A's edit reaches B; B's edit of it reaches A.
    await pageA.evaluate(() => {
      const e = window.__montageEditor!
      e.createShape({ id: 'shape:mp-box', type: 'geo', x: 100, y: 120, props: { w: 160, h: 90 } })
      e.select('shape:mp-box')
    })
    await pageB.waitForFunction(() => window.__montageEditor!.getShape('shape:mp-box')?.x === 100, null, { timeout: 30_000 })
    // A's selection shows on B (presence carries the selected ids).
    await pageB.waitForFunction(
      () => window.__montageEditor!.store.query.records('instance_presence').get().some((p) => p.userName === 'Ada Moreau' && p.selectedShapeIds.includes('shape:mp-box')),
      null,
      { timeout: 30_000 },
    )
    await pageB.evaluate(() => {
      window.__montageEditor!.updateShape({ id: 'shape:mp-box', type: 'geo', x: 480 })
    })
    await pageA.waitForFunction(() => window.__montageEditor!.getShape('shape:mp-box')?.x === 480, null, { timeout: 30_000 })

    // B follows A: A moves far away, B's viewport goes with it.
    await pageB.locator(`[data-testid=peer][data-user-id="${adaUser!.id}"]`).click()
    await pageB.locator(`[data-testid=peer][data-user-id="${adaUser!.id}"][data-following=true]`).waitFor({ timeout: 10_000 })
    await pageA.evaluate(() => {
      window.__montageEditor!.setCamera({ x: -5000, y: -3000, z: 1 })
    })
    const centerA = await pageA.evaluate(() => window.__montageEditor!.getViewportPageBounds().center)
    await pageB.waitForFunction(
      ([x, y]) => {
        const c = window.__montageEditor!.getViewportPageBounds().center
        return Math.abs(c.x - x!) < 50 && Math.abs(c.y - y!) < 50
      },
      [centerA.x, centerA.y],
      { timeout: 30_000 },
    )

    // Both edits are stored.
    await expect
      .poll(async () => (await stack.sql`SELECT count(*)::int AS n FROM board_updates WHERE board_id = ${stack.boardId}`)[0]!.n as number, { timeout: 15_000 })
      .toBeGreaterThan(1)
  })
})

describe('offline', () => {
  it('a reload while offline shows the local copy at once, and edits made offline reach the server on reconnect', async () => {
    const ben = await stack.signedIn('local:ben')
    let online = true
    const sockets = new Set<{ close(o?: { code?: number }): Promise<void> }>()
    await ben.routeWebSocket(/\/boards\//, (route) => {
      if (!online) return void route.close({ code: 1000 })
      route.connectToServer()
      sockets.add(route)
    })
    const page = await ben.newPage()
    await openBoard(page, stack.boardId)
    const shapeIds = () => page.evaluate(() => [...window.__montageEditor!.getCurrentPageShapeIds()].sort())
    // The seeded board as the server sent it: the browser's copy keeps those bytes as they came.
    const fromServer = await shapeIds()
    expect(fromServer.length).toBeGreaterThan(0)

    // The network goes away.
    online = false
    for (const s of sockets) await s.close({ code: 1000 })
    await page.locator('[data-testid=sync-status]:not([data-status=live])').waitFor({ timeout: 30_000 })
    await page.evaluate(() => {
      window.__montageEditor!.createShape({ id: 'shape:offline-box', type: 'geo', x: 40, y: 40, props: { w: 80, h: 80 } })
    })

    // The browser's copy is written asynchronously: reload only once IndexedDB holds the edit (a
    // reload before would abort the write, and the test would be about timing, not the copy).
    await page.waitForFunction(
      async (dbName) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(dbName)
          open.onsuccess = () => resolve(open.result)
          open.onerror = () => reject(open.error)
        })
        try {
          const updates = await new Promise<unknown[]>((resolve, reject) => {
            const req = db.transaction('updates', 'readonly').objectStore('updates').getAll()
            req.onsuccess = () => resolve(req.result as unknown[])
            req.onerror = () => reject(req.error)
          })
          const text = updates.map((u) => new TextDecoder('utf-8', { fatal: false }).decode(u as Uint8Array)).join('')
          return text.includes('shape:offline-box')
        } finally {
          db.close()
        }
      },
      `montage-board-${stack.boardId}`,
      { timeout: 30_000, polling: 250 },
    )

    // A reload without the server: the board (with the offline edit) comes from IndexedDB.
    await page.reload()
    await page.locator('[data-testid=board][data-ready=true]').waitFor({ timeout: 60_000 })
    await page.waitForFunction(() => !!window.__montageEditor?.getShape('shape:offline-box'), null, { timeout: 30_000 })
    expect(await page.locator('[data-testid=sync-status]').getAttribute('data-status')).not.toBe('live')
    expect(await shapeIds()).toEqual([...fromServer, 'shape:offline-box'].sort())

    // Back online: the edit reaches the server and another person.
    online = true
    await page.locator('[data-testid=sync-status][data-status=live]').waitFor({ timeout: 60_000 })
    const ada = await stack.signedIn('local:ada')
    const other = await ada.newPage()
    await openBoard(other, stack.boardId)
    await other.waitForFunction(() => !!window.__montageEditor?.getShape('shape:offline-box'), null, { timeout: 30_000 })
  })
})
