import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdir, readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createReviewLink } from '@montage/db'
import { REPO_ROOT, SCREENSHOT_DIR, openBoard, showShapes, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, type SucceededVariation } from './review-fixtures'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const FFMPEG = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path

let stack: E2EStack
let variation: SucceededVariation
let linkToken: string

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] }
    w.__cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile}:${e.lineNumber}`))
  })
}

function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)
}

/** What the console says about the policy (Chromium logs each refusal there too). */
function consoleCsp(page: Page): string[] {
  const seen: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text())
  })
  return seen
}

async function videoReady(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => (document.querySelector<HTMLVideoElement>(sel)?.readyState ?? 0) >= 2, selector, { timeout: 60_000, polling: 100 })
}

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server'] })
  const dir = path.join(stack.dataDir, 'fixtures')
  await mkdir(dir, { recursive: true })
  const [video, poster] = [path.join(dir, 'clip.mp4'), path.join(dir, 'poster.png')]
  await run(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=24', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart', video])
  await run(FFMPEG, ['-v', 'error', '-y', '-i', video, '-frames:v', '1', poster])
  const [sam] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:sam'`
  variation = await addSucceededVariation(stack, {
    boardId: stack.boardId,
    workspaceId: stack.workspaceId,
    shotId: 'shape:demo-shot-1',
    createdBy: sam!.id,
    media: { video: await readFile(video), poster: await readFile(poster) },
  })
  linkToken = (await createReviewLink(stack.sql, { boardId: stack.boardId, scope: 'board', expiresInHours: 1, createdBy: sam!.id })).token
}, 240_000)

afterAll(async () => {
  await stack?.close()
})

describe('security headers', () => {
  it('are on pages, API answers, static files and errors alike', async () => {
    const chunk = (await readdir(path.join(REPO_ROOT, 'web', process.env.NEXT_DIST_DIR ?? '.next', 'static', 'chunks'))).find((f) => f.endsWith('.js'))!
    const font = (await readdir(path.join(REPO_ROOT, 'web/public/tldraw-assets/fonts')))[0]!
    for (const p of ['/sign-in', '/', `/r/${linkToken}`, '/api/me', `/api/r/${linkToken}/info`, '/api/boards/not-a-board', `/_next/static/chunks/${chunk}`, `/tldraw-assets/fonts/${font}`]) {
      const res = await fetch(`${stack.baseUrl}${p}`, { redirect: 'manual' })
      await res.arrayBuffer()
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, p).toMatch(/frame-ancestors 'none'/)
      expect(csp, p).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/)
      expect(csp, p).toContain(`connect-src 'self' ${new URL(stack.collabUrl.replace('127.0.0.1', 'localhost')).origin}`)
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff')
      expect(res.headers.get('referrer-policy'), p).toBe('same-origin')
      expect(res.headers.get('x-frame-options'), p).toBe('DENY')
    }
    // Each response has its own nonce, and the page's scripts carry it.
    const [a, b] = [await fetch(`${stack.baseUrl}/sign-in`), await fetch(`${stack.baseUrl}/sign-in`)]
    const nonce = /'nonce-([^']+)'/.exec(a.headers.get('content-security-policy')!)![1]!
    expect(b.headers.get('content-security-policy')).not.toContain(nonce)
    const html = await a.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.length).toBeGreaterThan(0)
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`)
  })

  it('ignore a forged X-Forwarded-Proto and -For when no proxy is trusted: no Secure cookie, no HSTS', async () => {
    const res = await fetch(`${stack.baseUrl}/api/r/${linkToken}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.5' },
      body: JSON.stringify({ name: 'Mallory' }),
    })
    expect(res.status).toBe(201)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('montage_guest='))!
    expect(cookie).toMatch(/; HttpOnly/i)
    expect(cookie).not.toMatch(/; Secure/i)
    expect(res.headers.get('strict-transport-security')).toBeNull()
  })
})

describe('the app works under its Content-Security-Policy', () => {
  it('the board syncs live over the collab WebSocket, the viewer plays, and the guest review page plays, with no CSP violation', async () => {
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    const ada = await stack.signedIn('local:ada')
    await watchViolations(ada)
    const page = await ada.newPage()
    const logged = consoleCsp(page)
    // openBoard waits for the canvas and for the live sync: the WebSocket got through connect-src.
    await openBoard(page, stack.boardId)
    const card = page.locator(`[data-testid=variation][data-shape-id="${variation.variationId}"]`)
    await card.waitFor({ state: 'attached', timeout: 30_000 })
    await showShapes(page, [variation.variationId])
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'csp-board.png') })
    await card.locator('.m-variation-foot').click()
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=viewer]').waitFor({ timeout: 10_000 })
    await videoReady(page, '[data-testid=viewer-video]')
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'csp-viewer.png') })
    expect(await violations(page)).toEqual([])

    const guestContext = await stack.browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1280, height: 800 } })
    await watchViolations(guestContext)
    const guest = await guestContext.newPage()
    const guestLogged = consoleCsp(guest)
    await guest.goto(`/r/${linkToken}`)
    await guest.locator('[data-testid=guest-name]').fill('Carla Client')
    await guest.locator('[data-testid=guest-continue]').click()
    await guest.locator(`[data-testid=guest-variation][data-variation-id="${variation.variationId}"]`).click()
    await videoReady(guest, '[data-testid=viewer-video]')
    await guest.screenshot({ path: path.join(SCREENSHOT_DIR, 'csp-guest-viewer.png') })
    expect(await violations(guest)).toEqual([])
    expect([...logged, ...guestLogged]).toEqual([])

    // What the policy is for: markup injected into the page runs no script.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="/nowhere.png" onerror="window.__injected = true">'))
    await expect.poll(() => violations(page)).toEqual([expect.stringMatching(/^script-src-attr blocked inline/)])
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined()
    await Promise.all([ada.close(), guestContext.close()])
  })

  it('no other site can frame a page', async () => {
    const context = await stack.browser.newContext()
    const page = await context.newPage()
    const logged = consoleCsp(page)
    await page.setContent(`<iframe id="f" src="${stack.baseUrl}/sign-in" width="400" height="300"></iframe>`)
    await expect.poll(() => logged.some((l) => /frame-ancestors/.test(l)), { timeout: 10_000 }).toBe(true)
    const framed = page.frames().find((f) => f !== page.mainFrame())
    expect(await framed?.locator('body').textContent().catch(() => '')).not.toMatch(/Montage|Sign in/i)
    await context.close()
  })
})
