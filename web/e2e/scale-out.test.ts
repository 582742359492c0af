import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import * as Y from 'yjs'
import ffmpeg from '@ffmpeg-installer/ffmpeg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { Client, Connection } from '@temporalio/client'
import { GetObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3'
import { startS3Server, type TestS3Server } from '@montage/assets/testing'
import { getRecords } from '@montage/board'
import { createDb, loadBoardUpdates, type Sql } from '@montage/db'
import { freePort, prepareDatabase, seedDemo, startAppProcesses, type AppProcesses, type ServiceProcess } from '@montage/infra'
import { REPO_ROOT, appTestEnv, bucketKeys, openBoard, showShapes, shotVariationIds } from './harness'

// Montage past one machine, on one machine: two web, two collab-server, two workflows and two gpu
// workers and one hosted worker, each process with its own empty DATA_DIR, sharing nothing but
// PostgreSQL, NATS, Temporal and an S3 bucket (gofakes3). Ada works through web A (collab-server A),
// Ben through web B (collab-server B). Then one instance of each kind dies with SIGKILL mid-job.

const run = promisify(execFile)
const FFMPEG = process.env.FFMPEG_PATH ?? ffmpeg.path
const SHOT = 'shape:demo-shot-1'

interface Side {
  name: 'a' | 'b'
  app: AppProcesses
  baseUrl: string
  dataDir: string
}

let id: string
let databaseUrl: string
let dbName: string
let sql: Sql
let s3: TestS3Server
let s3client: S3Client
let temporal: Client
let browser: Browser
let a: Side
let b: Side
let seedDir: string
let sharedConfigDir: string
let boardId: string
const s3Fetches: { url: string; status: number; who: string }[] = []

async function startSide(name: 'a' | 'b', common: Record<string, string>, services: ('collab-server' | 'workflows' | 'gpu-worker' | 'hosted-worker' | 'web')[]): Promise<Side> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `montage-scale-${name}-`))
  const [webPort, collabPort] = [await freePort(), await freePort()]
  const app = await startAppProcesses({
    root: REPO_ROOT,
    env: { ...common, DATA_DIR: dataDir },
    webPort,
    collabPort,
    services,
    logDir: path.join(dataDir, 'logs'),
  })
  return { name, app, baseUrl: `http://127.0.0.1:${webPort}`, dataDir }
}

async function signedIn(side: Side, authSubject: string): Promise<BrowserContext> {
  const [user] = await sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = ${authSubject}`
  const context = await browser.newContext({ baseURL: side.baseUrl, viewport: { width: 1440, height: 900 } })
  const res = await context.request.post('/api/auth/local/sign-in', { data: { userId: user!.id } })
  if (!res.ok()) throw new Error(`sign-in on web ${side.name} failed: ${res.status()} ${await res.text()}`)
  // Every answer the page gets straight from the bucket (a presigned URL), for the checks below.
  context.on('response', (r) => {
    if (r.url().startsWith(s3.endpoint)) s3Fetches.push({ url: r.url(), status: r.status(), who: authSubject })
  })
  return context
}

beforeAll(async () => {
  id = randomUUID().slice(0, 8)
  dbName = `montage_scale_${id}`
  databaseUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`
  await prepareDatabase(databaseUrl)
  s3 = await startS3Server()
  s3client = new S3Client({ endpoint: s3.endpoint, region: s3.env.S3_REGION, forcePathStyle: true, credentials: { accessKeyId: s3.env.S3_ACCESS_KEY_ID!, secretAccessKey: s3.env.S3_SECRET_ACCESS_KEY! } })
  // The demo seed writes its plate into the bucket; its folder is thrown away before anything starts.
  seedDir = await mkdtemp(path.join(tmpdir(), 'montage-scale-seed-'))
  ;({ boardId } = await seedDemo({ databaseUrl, dataDir: seedDir, store: s3.store(), ids: { workspaceId: randomUUID(), boardId: randomUUID() } }))
  await rm(seedDir, { recursive: true, force: true })
  // Configuration every instance is given alike (in a cluster: a Secret): the session signing keys
  // and the media URL key. Not data: nothing is written there after start.
  sharedConfigDir = await mkdtemp(path.join(tmpdir(), 'montage-scale-config-'))
  const prefix = `scale-${id}`
  const common: Record<string, string> = {
    ...appTestEnv({ databaseUrl, prefix }),
    AUTH_KEYS_DIR: sharedConfigDir,
    MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
    ...s3.env,
  }
  // One instance first, so the keys exist before the second reads them.
  a = await startSide('a', common, ['collab-server', 'workflows', 'gpu-worker', 'hosted-worker', 'web'])
  b = await startSide('b', common, ['collab-server', 'workflows', 'gpu-worker', 'web'])
  sql = createDb({ url: databaseUrl, max: 3 })
  temporal = new Client({ connection: await Connection.connect({ address: common.TEMPORAL_ADDRESS! }) })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  })
}, 600_000)

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail' || !browser) return
  const dir = path.join(REPO_ROOT, '.data/e2e-screenshots')
  await mkdir(dir, { recursive: true })
  let i = 0
  for (const context of browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(dir, `scale-out-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await browser?.close().catch(() => {})
  for (const side of [a, b]) {
    if (!side) continue
    await side.app.stop()
    await cp(path.join(side.dataDir, 'logs'), path.join(REPO_ROOT, '.data/e2e-logs', `scale-${id}-${side.name}`), { recursive: true }).catch(() => {})
    await rm(side.dataDir, { recursive: true, force: true })
  }
  await temporal?.connection.close().catch(() => {})
  await sql?.end()
  if (dbName) {
    const admin = createDb({ url: databaseUrl.replace(/\/[^/]+$/, '/postgres'), max: 1 })
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {})
    await admin.end()
  }
  s3client?.destroy()
  await s3?.stop()
  if (sharedConfigDir) await rm(sharedConfigDir, { recursive: true, force: true })
}, 120_000)

type TEditorWindow = { __montageEditor: { createShape(s: unknown): void; getShape(id: string): unknown } }

/** Draws plain rectangles on the canvas, as a person would. */
async function drawRectangles(page: Page, ids: string[], y: number): Promise<void> {
  await page.evaluate(
    ({ ids, y }) => {
      const editor = (window as unknown as TEditorWindow).__montageEditor
      ids.forEach((id, i) => editor.createShape({ id, type: 'geo', x: -2000 + i * 140, y, props: { w: 120, h: 80, geo: 'rectangle' } }))
    },
    { ids, y },
  )
}

function seesShapes(page: Page, ids: string[]): Promise<boolean> {
  return page.evaluate((ids) => ids.every((id) => !!(window as unknown as TEditorWindow).__montageEditor.getShape(id)), ids)
}

/** Which of these records the board stored in PostgreSQL holds (what a cold load would read). */
async function missingFromStoredBoard(ids: string[]): Promise<string[]> {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.mergeUpdates(await loadBoardUpdates(sql, boardId)))
  const records = getRecords(doc)
  return ids.filter((id) => !records.has(id))
}

async function objectSha256(key: string): Promise<string> {
  const res = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
  return createHash('sha256').update(await res.Body!.transformToByteArray()).digest('hex')
}

/** Multipart uploads begun and never completed or aborted (gofakes3 answers NoSuchUpload for a bucket that never had one). */
async function unfinishedMultipartUploads(): Promise<string[]> {
  try {
    const res = await s3client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))
    return (res.Uploads ?? []).map((u) => u.Key ?? '')
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchUpload') return []
    throw e
  }
}

/** Whether a Temporal worker identity (`gpu-worker@<host>:<pid>`, or the SDK's `<pid>@<host>`) names that process. */
function identityOf(identity: string | null | undefined, pid: number | undefined): boolean {
  return !!identity && pid !== undefined && new RegExp(`(^|\\D)${pid}(\\D|$)`).test(identity)
}

function kill9(p: ServiceProcess | undefined): void {
  p?.child?.kill('SIGKILL')
}

describe('scale-out: two of every process sharing only PostgreSQL, NATS, Temporal and S3', () => {
  it('an upload and a generation started on web A are seen live on web B; SIGKILL of one instance of each kind mid-job: the job finishes, no acknowledged edit is lost, nothing half-written is left in the bucket', async () => {
    const ada = await signedIn(a, 'local:ada')
    const ben = await signedIn(b, 'local:ben')
    const pageA = await ada.newPage()
    const pageB = await ben.newPage()
    await openBoard(pageA, boardId)
    await openBoard(pageB, boardId)

    // --- Ada uploads a clip on web A; Ben, on web B and the other collab-server, sees its poster from the bucket.
    const fixtures = await mkdtemp(path.join(tmpdir(), 'montage-scale-fixtures-'))
    const mp4Path = path.join(fixtures, 'clip.mp4')
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=480x270:rate=25', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart', '-y', mp4Path])
    const mp4 = await readFile(mp4Path)
    const clipSha = createHash('sha256').update(mp4).digest('hex')
    await rm(fixtures, { recursive: true, force: true })
    const at = await pageA.evaluate(() => {
      const editor = (window as unknown as { __montageEditor: { getViewportPageBounds(): { center: { x: number; y: number } }; pageToScreen(p: { x: number; y: number }): { x: number; y: number } } }).__montageEditor
      const c = editor.getViewportPageBounds().center
      return editor.pageToScreen({ x: c.x - 300, y: c.y - 100 })
    })
    await pageA.evaluate(
      ({ b64, at }) => {
        const dt = new DataTransfer()
        dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'clip.mp4', { type: 'video/mp4' }))
        const target = document.querySelector('.tl-canvas')!
        const init = { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, dataTransfer: dt }
        target.dispatchEvent(new DragEvent('dragover', init))
        target.dispatchEvent(new DragEvent('drop', init))
      },
      { b64: mp4.toString('base64'), at },
    )
    // The asset row, then its poster once the ingest (workflows + a gpu worker, either side) made it.
    await expect.poll(async () => (await sql<{ poster_sha256: string | null }[]>`SELECT poster_sha256 FROM assets WHERE sha256 = ${clipSha}`)[0]?.poster_sha256 ?? null, { timeout: 120_000 }).not.toBeNull()
    const posterSha = (await sql<{ poster_sha256: string }[]>`SELECT poster_sha256 FROM assets WHERE sha256 = ${clipSha}`)[0]!.poster_sha256
    const clipCardOnB = pageB.locator('[data-testid=reference][data-shape-id]').filter({ has: pageB.locator('[data-testid=media][data-state=ready]') })
    await clipCardOnB.first().waitFor({ timeout: 60_000 })
    await expect.poll(() => s3Fetches.some((f) => f.who === 'local:ben' && f.url.includes(posterSha) && f.status < 300), { timeout: 30_000 }).toBe(true)

    // --- Edits through both collab-servers, acknowledged: each side sees the other's.
    const fromA = Array.from({ length: 3 }, (_, i) => `shape:scale-a-${i}`)
    const fromB = Array.from({ length: 3 }, (_, i) => `shape:scale-b-${i}`)
    await drawRectangles(pageA, fromA, -1500)
    await drawRectangles(pageB, fromB, -1300)
    await expect.poll(() => seesShapes(pageB, fromA), { timeout: 30_000 }).toBe(true)
    await expect.poll(() => seesShapes(pageA, fromB), { timeout: 30_000 }).toBe(true)

    // --- Ada starts a 10 s previz on web A; Ben sees it run.
    const shot = pageA.locator(`[data-testid=shot][data-shape-id="${SHOT}"]`)
    await showShapes(pageA, [SHOT])
    await shot.locator('[data-testid=shot-model]').selectOption('previz')
    await shot.locator('[data-testid=shot-duration]').selectOption('10')
    await expect.poll(() => shot.locator('[data-testid=generate]').textContent()).toMatch(/10 credits/)
    const before = await shotVariationIds(pageA, SHOT)
    await shot.locator('[data-testid=generate]').click()
    await expect.poll(async () => (await shotVariationIds(pageA, SHOT)).filter((v) => !before.includes(v)).length, { timeout: 30_000 }).toBe(1)
    const variationId = (await shotVariationIds(pageA, SHOT)).find((v) => !before.includes(v))!
    await showShapes(pageB, [SHOT])
    const progress = await pageB.waitForFunction(
      (id) => {
        const bar = document.querySelector(`[data-testid=variation][data-shape-id="${id}"] [data-testid=job-progress][data-percent]`)
        return bar ? bar.getAttribute('aria-valuetext') : null
      },
      variationId,
      { timeout: 120_000, polling: 'raf' },
    )
    expect(await progress.jsonValue()).toMatch(/^(Rendering|Encoding|Storing) \d{1,2}%$/)

    // --- Mid-job: SIGKILL the gpu worker rendering it, one workflows worker, web A, collab-server A and the hosted worker.
    const [gen] = await sql<{ id: string }[]>`SELECT id FROM generations WHERE board_id = ${boardId} AND variation_id = ${variationId}`
    const described = await temporal.workflow.getHandle(`generation/${gen!.id}`).describe()
    const rendering = described.raw.pendingActivities?.[0]?.lastWorkerIdentity
    const gpuWorkers = [a.app.services['gpu-worker']!, b.app.services['gpu-worker']!]
    const victim = gpuWorkers.find((w) => identityOf(rendering, w.child?.pid))
    expect(victim, `the render runs on one of our gpu workers (identity ${rendering})`).toBeDefined()
    kill9(victim)
    kill9(a.app.services.workflows)
    kill9(a.app.services['collab-server'])
    kill9(a.app.services.web)
    kill9(a.app.services['hosted-worker'])

    // Ben keeps working on the surviving collab-server meanwhile.
    const afterKill = [`shape:scale-b-late-0`, `shape:scale-b-late-1`]
    await drawRectangles(pageB, afterKill, -1100)

    // --- The job finishes on the survivors, and Ben's card plays the result from the bucket.
    const card = pageB.locator(`[data-testid=variation][data-shape-id="${variationId}"]`)
    await showShapes(pageB, [variationId])
    await card.and(pageB.locator('[data-status=succeeded]')).waitFor({ state: 'attached', timeout: 300_000 })
    const video = card.locator('[data-testid=variation-video]')
    await video.waitFor({ timeout: 60_000 })
    await pageB.waitForFunction((id) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid=variation][data-shape-id="${id}"] [data-testid=variation-video]`)
      return !!v && v.readyState >= 2
    }, variationId, { timeout: 60_000 })
    const [row] = await sql<{ status: string; output_sha256: string; proxy_sha256: string | null }[]>`SELECT status::text AS status, output_asset AS output_sha256, proxy_asset AS proxy_sha256 FROM generations WHERE id = ${gen!.id}`
    expect(row!.status).toBe('succeeded')
    const played = row!.proxy_sha256 ?? row!.output_sha256
    await expect.poll(() => s3Fetches.some((f) => f.who === 'local:ben' && f.url.includes(played) && f.status < 300), { timeout: 30_000 }).toBe(true)
    // The render was cut short and ran again on the other gpu worker: its activity started twice.
    const history = await temporal.workflow.getHandle(`generation/${gen!.id}`).fetchHistory()
    const renderStarts = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0).filter((n) => n > 0)
    expect(Math.max(...renderStarts)).toBeGreaterThanOrEqual(2)
    // Charged once: one reserve and one settle, whatever died on the way.
    const ledger = await sql<{ kind: string }[]>`SELECT kind::text AS kind FROM credit_ledger WHERE generation_id = ${gen!.id} ORDER BY id`
    expect(ledger.map((l) => l.kind)).toEqual(['reserve', 'settle'])

    // --- No acknowledged edit lost: all of them are stored, and a newcomer on web B sees them.
    const everyEdit = [...fromA, ...fromB, ...afterKill]
    await expect.poll(() => missingFromStoredBoard(everyEdit), { timeout: 30_000 }).toEqual([])
    const rui = await signedIn(b, 'local:rui')
    const pageR = await rui.newPage()
    await openBoard(pageR, boardId)
    await expect.poll(() => seesShapes(pageR, [...everyEdit, variationId]), { timeout: 30_000 }).toBe(true)

    // --- Nothing half-written in the bucket: every blob holds the bytes its name says, no staged
    // bytes or unfinished multipart uploads are left, and every asset the database names is there.
    const keys = await bucketKeys(s3)
    const blobs = keys.filter((k) => k.startsWith('assets/'))
    expect(keys.filter((k) => !k.startsWith('assets/'))).toEqual([])
    for (const key of blobs) expect(await objectSha256(key), key).toBe(key.split('/').pop())
    expect(await unfinishedMultipartUploads()).toEqual([])
    const named = await sql<{ sha256: string }[]>`SELECT sha256 FROM assets`
    const held = new Set(blobs.map((k) => k.split('/').pop()))
    expect(named.map((n) => n.sha256).filter((s) => !held.has(s))).toEqual([])
  })
})
