import { randomUUID } from 'node:crypto'
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { Client, Connection } from '@temporalio/client'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { LocalAssetStore, type AssetStore } from '@montage/assets'
import { startS3Server, type TestS3Server } from '@montage/assets/testing'
import { createDb, type Sql } from '@montage/db'
import { freePort, prepareDatabase, seedDemo, startAppProcesses, type AppProcesses, type ServiceName } from '@montage/infra'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
/**
 * Where browser tests save their screenshots: `.data/e2e-screenshots`, or the README's
 * `docs/screenshots` when UPDATE_SCREENSHOTS=1 (so a test run leaves the tracked images alone).
 */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/e2e-screenshots')

export interface E2EStackOptions {
  /** Which services to run (all by default); a board page needs only web and the collab-server. */
  services?: ServiceName[]
  /** How many collab-server instances (1 by default); web points at the first. */
  collabInstances?: number
  /** Extra environment for the app's processes (e.g. a short MEDIA_URL_TTL_SECONDS). */
  env?: Record<string, string>
  /**
   * Where every process keeps assets: the stack's own `DATA_DIR/assets` (`local`), or a fresh bucket
   * on a gofakes3 server (`s3`: `ASSET_STORE=s3` and the `S3_*` variables for every process).
   * `E2E_ASSET_STORE=s3` makes `s3` the default, so any browser test can run on a bucket.
   */
  assetStore?: 'local' | 's3'
}

export interface E2EStack {
  baseUrl: string
  /** The stack's own database (for a further process a test starts against it). */
  databaseUrl: string
  collabUrl: string
  /** Every collab-server instance's URL, `collabUrl` first. */
  collabUrls: string[]
  dataDir: string
  /** The asset store the stack's processes use (the same folder or bucket). */
  store: AssetStore
  /** The S3 server and bucket, when the stack runs on one. */
  s3?: { endpoint: string; bucket: string }
  /**
   * Everything the store holds, staging and temp files included, sorted: paths under
   * `DATA_DIR/assets` for the local store, keys for a bucket (`assets/<aa>/<sha256>`, `staging/<uuid>`).
   */
  storedObjects(): Promise<string[]>
  /** The seeded demo workspace and board, under fresh ids for this stack. */
  workspaceId: string
  boardId: string
  prefix: string
  sql: Sql
  app: AppProcesses
  temporal: Client
  browser: Browser
  /** A browser context signed in as the user with that auth subject. */
  signedIn(authSubject: string): Promise<BrowserContext>
  close(): Promise<void>
}

/**
 * What every test stack's processes are given: the stack's database and task queues, the test
 * run's NATS and Temporal, demo sign-in, a board-command consumer of its own, and sign-in budgets
 * a test file does not exhaust.
 */
export function appTestEnv(opts: { databaseUrl: string; prefix: string }): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TASK_QUEUE_PREFIX: opts.prefix,
    AUTH_MODE: 'local',
    // Demo mode (web on 127.0.0.1): `signedIn` uses the passwordless demo sign-in.
    MONTAGE_DEMO: '1',
    // Each test stack consumes board commands under its own durable name.
    COLLAB_CONSUMER_NAME: `collab-${opts.prefix}`,
    COLLAB_COMMAND_DELIVER_POLICY: 'new',
    COLLAB_CONSUMER_INACTIVE_MS: String(10 * 60_000),
    // A test file signs dozens of people in from one address; limits.test.ts sets its own small budgets.
    RATE_LIMIT_SIGN_IN_PER_ADDRESS: '10000/15m',
    RATE_LIMIT_SIGN_IN_PER_ACCOUNT: '1000/15m',
  }
}

/**
 * The whole product on fresh ports, its own database, data folder and task queues, so a
 * running `npm start` and other test files are untouched.
 */
export async function startE2EStack(opts: E2EStackOptions = {}): Promise<E2EStack> {
  const id = randomUUID().slice(0, 8)
  const dbName = `montage_e2e_${id}`
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`
  const dataDir = await mkdtemp(path.join(tmpdir(), 'montage-e2e-'))
  const prefix = `e2e-${id}`
  await prepareDatabase(databaseUrl)
  const storeKind = opts.assetStore ?? (process.env.E2E_ASSET_STORE === 's3' ? 's3' : 'local')
  const s3: TestS3Server | null = storeKind === 's3' ? await startS3Server() : null
  const store: AssetStore = s3 ? s3.store() : new LocalAssetStore(path.join(dataDir, 'assets'))
  const { boardId, workspaceId } = await seedDemo({ databaseUrl, dataDir, store, ids: { workspaceId: randomUUID(), boardId: randomUUID() } })
  const [webPort, collabPort] = [await freePort(), await freePort()]
  const extraCollabPorts: number[] = []
  for (let i = 1; i < (opts.collabInstances ?? 1); i++) extraCollabPorts.push(await freePort())
  const app = await startAppProcesses({
    root: REPO_ROOT,
    env: {
      ...appTestEnv({ databaseUrl, prefix }),
      DATA_DIR: dataDir,
      ...(s3?.env ?? {}),
      ...opts.env,
    },
    webPort,
    collabPort,
    extraCollabPorts,
    services: opts.services,
    logDir: path.join(dataDir, 'logs'),
  }).catch(async (e: unknown) => {
    // A service that did not come up: nothing else of this stack should outlive the failure.
    await s3?.stop()
    await rm(dataDir, { recursive: true, force: true })
    throw e
  })
  const sql = createDb({ url: databaseUrl, max: 3 })
  const temporal = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) })
  const browser = await chromium
    .launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
    })
    .catch(async (e: unknown) => {
      // No stack is returned to close: stop what was started.
      await app.stop()
      await temporal.connection.close().catch(() => {})
      await sql.end()
      await s3?.stop()
      throw e
    })
  const baseUrl = `http://127.0.0.1:${webPort}`

  return {
    baseUrl,
    databaseUrl,
    collabUrl: `ws://127.0.0.1:${collabPort}`,
    collabUrls: [collabPort, ...extraCollabPorts].map((p) => `ws://127.0.0.1:${p}`),
    dataDir,
    store,
    ...(s3 ? { s3: { endpoint: s3.endpoint, bucket: s3.bucket } } : {}),
    storedObjects: () => (s3 ? bucketKeys(s3) : localFiles(path.join(dataDir, 'assets'))),
    workspaceId,
    boardId,
    prefix,
    sql,
    app,
    temporal,
    browser,
    async signedIn(authSubject) {
      const [user] = await sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = ${authSubject}`
      if (!user) throw new Error(`no user ${authSubject}`)
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } })
      const res = await context.request.post('/api/auth/local/sign-in', { data: { userId: user.id } })
      if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`)
      return context
    },
    async close() {
      await browser.close().catch(() => {})
      await app.stop()
      await temporal.connection.close().catch(() => {})
      await sql.end()
      const admin = createDb({ url: databaseUrl.replace(/\/[^/]+$/, '/postgres'), max: 1 })
      await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {})
      await admin.end()
      // The services' logs outlive the run, for whoever has to read a failure.
      await cp(path.join(dataDir, 'logs'), path.join(REPO_ROOT, '.data/e2e-logs', id), { recursive: true }).catch(() => {})
      await rm(dataDir, { recursive: true, force: true })
      await s3?.stop()
    },
  }
}

async function localFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort()
}

/** Every key in the test server's bucket, sorted. */
export async function bucketKeys(s3: TestS3Server): Promise<string[]> {
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.env.S3_REGION, forcePathStyle: true, credentials: { accessKeyId: s3.env.S3_ACCESS_KEY_ID!, secretAccessKey: s3.env.S3_SECRET_ACCESS_KEY! } })
  try {
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }))
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return keys.sort()
  } finally {
    client.destroy()
  }
}

/** The session token a context holds (what the canvas hands the collab-server). */
export async function sessionTokenOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'montage_session')
  if (!cookie) throw new Error('not signed in')
  return cookie.value
}

/** Opens a board and waits until the canvas is ready, synced live, and its editor is reachable. */
export async function openBoard(page: Page, boardId: string): Promise<void> {
  await page.goto(`/boards/${boardId}`)
  await page.locator('[data-testid=board][data-ready=true]').waitFor({ timeout: 60_000 })
  await page.locator('[data-testid=sync-status][data-status=live]').waitFor({ timeout: 60_000 })
  await page.waitForFunction(() => !!(window as unknown as { __montageEditor?: unknown }).__montageEditor, null, { timeout: 30_000 })
}

/** Moves the camera onto those shapes, as a person would pan to them (off-screen cards can't be clicked). */
export async function showShapes(page: Page, ids: string[]): Promise<void> {
  await page.waitForFunction(() => !!(window as unknown as { __montageEditor?: unknown }).__montageEditor, null, { timeout: 30_000 })
  await page.evaluate((ids) => {
    type TBox = { x: number; y: number; w: number; h: number }
    const editor = (window as unknown as { __montageEditor: { getShapePageBounds(id: string): TBox | undefined; zoomToBounds(b: TBox, o: object): void } }).__montageEditor
    const boxes = ids.map((id) => editor.getShapePageBounds(id)).filter((b): b is TBox => !!b)
    if (boxes.length === 0) return
    const x = Math.min(...boxes.map((b) => b.x))
    const y = Math.min(...boxes.map((b) => b.y))
    const w = Math.max(...boxes.map((b) => b.x + b.w)) - x
    const h = Math.max(...boxes.map((b) => b.y + b.h)) - y
    editor.zoomToBounds({ x, y, w, h }, { targetZoom: 1, inset: 120 })
  }, ids)
}

/** The ids of the variation cards of a shot, as the page shows them. */
export function shotVariationIds(page: Page, shotId: string): Promise<string[]> {
  return page.locator(`[data-testid=variation][data-shot-id="${shotId}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-shape-id')!))
}

/** Waits for a variation card of the shot that is not in `before` and returns its id (usable in beforeAll, unlike expect.poll). */
export async function newVariationId(page: Page, shotId: string, before: string[]): Promise<string> {
  const handle = await page.waitForFunction(
    ({ shot, before }) => [...document.querySelectorAll(`[data-testid=variation][data-shot-id="${shot}"]`)].map((e) => e.getAttribute('data-shape-id')!).find((id) => !before.includes(id)) ?? null,
    { shot: shotId, before },
    { timeout: 30_000 },
  )
  return (await handle.jsonValue())!
}

/** Sets the shot to a 2 s previz, presses Generate `count` times and returns the new variations once all have succeeded. */
export async function generatePrevizVariations(page: Page, shotId: string, count: number): Promise<string[]> {
  const shot = page.locator(`[data-testid=shot][data-shape-id="${shotId}"]`)
  await showShapes(page, [shotId])
  await shot.locator('[data-testid=shot-model]').selectOption('previz')
  await shot.locator('[data-testid=shot-duration]').selectOption('2')
  await shot.locator('[data-testid=generate]', { hasText: /2 credits/ }).waitFor()
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const before = await shotVariationIds(page, shotId)
    await showShapes(page, [shotId])
    await shot.locator('[data-testid=generate]').click()
    ids.push(await newVariationId(page, shotId, before))
  }
  for (const id of ids) {
    await page.locator(`[data-testid=variation][data-shape-id="${id}"]`).and(page.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 240_000 })
  }
  return ids
}
