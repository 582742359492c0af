import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import type { LocalAssetStore } from '@montage/assets'
import { grantCredits } from '@montage/db'
import { resolveFfmpegPaths, runProcess, RunwayStandIn, writeTestClip, type TStandInStep } from '@montage/gpu-worker/testing'
import { SCREENSHOT_DIR, openBoard, showShapes, startE2EStack, type E2EStack } from './harness'

// Issue 15: an upload (or any asset of the workspace) is edited as it is, with no previz in between.
// The real stack (web, collab-server, workflows, gpu-worker, hosted worker) and Runway's stand-in.
const SECRET = 'key_edit_any_source'
const paths = resolveFfmpegPaths(process.env)
const W = 320
const H = 180
const FPS = 25
let stack: E2EStack
let ada: BrowserContext
let standIn: RunwayStandIn
let dir: string
let nextOutput: Uint8Array
/** What Runway's stand-in answers for the next task: the edited clip, or a failure. */
let nextSteps: (s: RunwayStandIn) => TStandInStep[] = (s) => [{ status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [s.addOutput(nextOutput, 'video/mp4')] }]
let clip: { sha256: string; shapeId: string; bytes: Buffer }

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'montage-edit-any-'))
  standIn = await new RunwayStandIn({
    apiSecret: SECRET,
    plan: (_endpoint, _body, s) => nextSteps(s),
  }).start()
  stack = await startE2EStack({ env: { RUNWAYML_API_SECRET: SECRET, RUNWAY_API_BASE_URL: standIn.baseUrl, RUNWAY_POLL_INTERVAL_MS: '50' } })
  await grantCredits(stack.sql, { workspaceId: stack.workspaceId, amount: 500, note: 'edit-any-source' })
  ada = await stack.signedIn('local:ada') // producer
  // 5 s at 25 fps: a bright disc over a gradient, swinging left and right, so its speed (and each
  // frame's difference from the last) rises and falls.
  const file = path.join(dir, 'street.mp4')
  const disc = (inside: string, outside: string) => `if(lt(hypot(X-(160+110*sin(2*PI*0.3*T)),Y-90),32),${inside},${outside})`
  await writeTestClip(paths.ffmpeg, file, { width: W, height: H, fps: FPS, seconds: 5, rgb: [disc('250', '40+X/3'), disc('230', '60+Y/2'), disc('90', '120')] })
  const bytes = await readFile(file)
  clip = { ...(await upload(bytes)), bytes }
})

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail' || !stack) return
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `edit-any-source-failed-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await ada?.close()
  await stack?.close()
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Uploads bytes as a card on the board; resolves once the upload is stored. */
async function upload(bytes: Buffer): Promise<{ sha256: string; shapeId: string; asset: Record<string, unknown> }> {
  const shapeId = `shape:up${randomUUID().replace(/-/g, '').slice(0, 20)}`
  const res = await ada.request.post(`/api/uploads?boardId=${stack.boardId}&shapeId=${encodeURIComponent(shapeId)}`, { data: bytes, headers: { 'Content-Type': 'application/octet-stream' } })
  expect(res.status(), await res.text()).toBe(201)
  const { asset } = (await res.json()) as { asset: { sha256: string } & Record<string, unknown> }
  return { sha256: asset.sha256, shapeId, asset }
}

interface TEditRow {
  status: string
  error: string | null
  output: string | null
  shotId: string
  parent: string | null
  source: string | null
  request: { kind: string; source?: { kind: string; sha256: string; shapeId?: string } }
}

/** Starts an edit of an asset through the API and waits for its generation to succeed. */
async function editAsset(body: Record<string, unknown>): Promise<{ row: TEditRow; started: { generationId: string; variationId: string; shotId: string } }> {
  const res = await ada.request.post('/api/edits', { data: { boardId: stack.boardId, ...body } })
  expect(res.status(), await res.text()).toBe(202)
  const started = (await res.json()) as { generationId: string; variationId: string; shotId: string }
  const row = await finished(started.generationId)
  expect(row.error).toBeNull()
  expect(row.status).toBe('succeeded')
  return { row, started }
}

/** The generation's row once it has finished, however it ended. */
async function finished(generationId: string): Promise<TEditRow> {
  let row: TEditRow | undefined
  await expect
    .poll(
      async () => {
        ;[row] = await stack.sql<TEditRow[]>`
          SELECT status::text AS status, error, output_asset AS output, shot_id AS "shotId", parent_generation_id AS parent,
                 source_asset_sha256 AS source, request
          FROM generations WHERE id = ${generationId}`
        return row?.status
      },
      { timeout: 240_000, interval: 500 },
    )
    .toMatch(/succeeded|failed|cancelled/)
  return row!
}

const blob = (sha256: string) => (stack.store as LocalAssetStore).blobPath(sha256)

async function probeClip(file: string): Promise<{ fps: string; seconds: number; width: number; height: number }> {
  const { stdout } = await runProcess(paths.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=r_frame_rate,width,height:format=duration', '-of', 'json', file])
  const json = JSON.parse(stdout.toString()) as { streams: [{ r_frame_rate: string; width: number; height: number }]; format: { duration: string } }
  return { fps: json.streams[0].r_frame_rate, seconds: Number(json.format.duration), width: json.streams[0].width, height: json.streams[0].height }
}

/** Every frame of a clip (or the one of a still) as planes of `format` at W×H. */
async function frames(file: string, format: 'gray' | 'rgb24'): Promise<Uint8Array[]> {
  const { stdout } = await runProcess(paths.ffmpeg, ['-v', 'error', '-i', file, '-vf', `scale=${W}:${H}`, '-f', 'rawvideo', '-pix_fmt', format, '-'])
  const size = W * H * (format === 'gray' ? 1 : 3)
  const out: Uint8Array[] = []
  for (let o = 0; o + size <= stdout.length; o += size) out.push(new Uint8Array(stdout.buffer, stdout.byteOffset + o, size))
  return out
}

/** Mean absolute difference of each frame from the one before: how much moves, frame by frame. */
function frameDifferences(planes: Uint8Array[]): number[] {
  return planes.slice(1).map((f, i) => f.reduce((sum, v, p) => sum + Math.abs(v - planes[i]![p]!), 0) / f.length)
}

function pearson(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length)
  const ma = a.slice(0, n).reduce((s, v) => s + v, 0) / n
  const mb = b.slice(0, n).reduce((s, v) => s + v, 0) / n
  let num = 0
  let da = 0
  let db = 0
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb)
    da += (a[i]! - ma) ** 2
    db += (b[i]! - mb) ** 2
  }
  return num / Math.sqrt(da * db)
}

/** The edit keeps the upload's length, rate and motion, and names the upload as its source. */
async function expectEditOfClip(row: TEditRow, started: { shotId: string }) {
  expect(row.parent).toBeNull()
  expect(row.source).toBe(clip.sha256)
  expect(row.request.source).toEqual({ kind: 'asset', sha256: clip.sha256, shapeId: clip.shapeId })
  expect(row.shotId).toBe(started.shotId)
  const out = await probeClip(blob(row.output!))
  expect(out.fps).toBe(`${FPS}/1`)
  expect(Math.abs(out.seconds - 5)).toBeLessThanOrEqual(1 / FPS + 0.01)
  const motion = pearson(frameDifferences(await frames(blob(clip.sha256), 'gray')), frameDifferences(await frames(blob(row.output!), 'gray')))
  expect(motion).toBeGreaterThanOrEqual(0.9)
}

/** Windowed SSIM (8×8 blocks) of one box of two RGB frames, on luma. */
function ssim(a: Uint8Array, b: Uint8Array, box: { x0: number; y0: number; x1: number; y1: number }): number {
  const lum = (f: Uint8Array, x: number, y: number) => {
    const o = (y * W + x) * 3
    return 0.299 * f[o]! + 0.587 * f[o + 1]! + 0.114 * f[o + 2]!
  }
  const [c1, c2] = [(0.01 * 255) ** 2, (0.03 * 255) ** 2]
  let total = 0
  let windows = 0
  for (let y0 = box.y0; y0 + 8 <= box.y1; y0 += 4) {
    for (let x0 = box.x0; x0 + 8 <= box.x1; x0 += 4) {
      let [sa, sb, saa, sbb, sab] = [0, 0, 0, 0, 0]
      for (let y = y0; y < y0 + 8; y++) {
        for (let x = x0; x < x0 + 8; x++) {
          const [p, q] = [lum(a, x, y), lum(b, x, y)]
          sa += p
          sb += q
          saa += p * p
          sbb += q * q
          sab += p * q
        }
      }
      const [ma, mb] = [sa / 64, sb / 64]
      const [va, vb, cov] = [saa / 64 - ma * ma, sbb / 64 - mb * mb, sab / 64 - ma * mb]
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
      windows++
    }
  }
  return total / windows
}

describe('editing an upload, no previz in between', () => {
  it('restyles an uploaded 5 s clip as anime: same length and rate, the same motion, lineage naming the upload, in an Edits shot beside it', async () => {
    // The upload's card on the board, as a person sees it before pressing Edit (ingest places it).
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    await page.waitForFunction((id) => !!(window as unknown as { __montageEditor: { getShape(id: string): unknown } }).__montageEditor.getShape(id), clip.shapeId, { timeout: 120_000 })
    const { row, started } = await editAsset({ source: { kind: 'asset', sha256: clip.sha256, shapeId: clip.shapeId }, model: 'restyle', params: { preset: 'anime' } })
    await expectEditOfClip(row, started)
    // On the board: the Edits shot beside the upload's card, the variation finished inside it.
    const variation = page.locator(`[data-testid=variation][data-shape-id="${started.variationId}"]`)
    await showShapes(page, [clip.shapeId, started.shotId, started.variationId])
    await expect.poll(() => variation.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded')
    expect(await variation.getAttribute('data-shot-id')).toBe(started.shotId)
    const placed = await page.evaluate(
      ({ upload, shot }) => {
        const editor = (window as unknown as { __montageEditor: { getShape(id: string): { x: number; y: number; props: { w: number; title?: string } } | undefined } }).__montageEditor
        const [u, s] = [editor.getShape(upload), editor.getShape(shot)]
        return u && s ? { title: s.props.title, gap: s.x - (u.x + u.props.w), dy: s.y - u.y } : null
      },
      { upload: clip.shapeId, shot: started.shotId },
    )
    expect(placed).toEqual({ title: 'Edits', gap: 48, dy: 0 })
    // The upload's card offers the same Edit menu a variation's does.
    const card = page.locator(`[data-testid=reference][data-shape-id="${clip.shapeId}"]`)
    await card.locator('[data-testid=variation-edit]').click()
    await card.locator('[data-testid=variation-edit-menu]').waitFor()
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-any-source-upload.png') })
    await page.close()
  })

  it('relights the uploaded clip the same way', async () => {
    const { row, started } = await editAsset({ source: { kind: 'asset', sha256: clip.sha256, shapeId: clip.shapeId }, model: 'relight', params: { preset: 'blue_hour' } })
    await expectEditOfClip(row, started)
  })

  it('aleph2 (Runway video-to-video) gets the uploaded clip itself in its request', async () => {
    const edited = path.join(dir, 'aleph-out.mp4')
    await writeTestClip(paths.ffmpeg, edited, { width: W, height: H, fps: FPS, seconds: 5, rgb: ['20', '30+X/4', '90'] })
    nextOutput = await readFile(edited)
    const before = standIn.tasks.size
    const { row } = await editAsset({ source: { kind: 'asset', sha256: clip.sha256, shapeId: clip.shapeId }, model: 'aleph2', prompt: 'evening, street lights on', params: {} })
    const tasks = [...standIn.tasks.values()].slice(before)
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.endpoint).toBe('video_to_video')
    const uri = tasks[0]!.body.videoUri as string
    expect(uri.startsWith('data:video/mp4;base64,')).toBe(true)
    expect(Buffer.compare(Buffer.from(uri.slice('data:video/mp4;base64,'.length), 'base64'), clip.bytes)).toBe(0)
    expect(row.parent).toBeNull()
    expect(row.source).toBe(clip.sha256)
    expect(Buffer.compare(await readFile(blob(row.output!)), Buffer.from(nextOutput))).toBe(0)
  })

  it('aleph2 from the clip card\'s Edit menu: two of the board\'s images picked and placed reach Runway as keyframes at those places', async () => {
    nextOutput = clip.bytes
    nextSteps = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(nextOutput, 'video/mp4')] }]
    const still = async (colour: string) => {
      const file = path.join(dir, `${colour}.png`)
      await runProcess(paths.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=160x90`, '-frames:v', '1', file])
      const bytes = await readFile(file)
      return { ...(await upload(bytes)), bytes }
    }
    const [dawn, dusk] = [await still('orange'), await still('navy')]
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    for (const id of [clip.shapeId, dawn.shapeId, dusk.shapeId]) {
      await page.waitForFunction((id) => !!(window as unknown as { __montageEditor: { getShape(id: string): unknown } }).__montageEditor.getShape(id), id, { timeout: 120_000 })
    }
    await showShapes(page, [clip.shapeId])
    const card = page.locator(`[data-testid=reference][data-shape-id="${clip.shapeId}"]`)
    await card.locator('[data-testid=variation-edit]').click()
    await card.locator('[data-testid=edit-aleph2]').click()
    await card.locator('[data-testid=aleph2-prompt]').fill('evening, warm light turning blue')
    // Picked in this order, placed the other way round: the request goes by place in the clip.
    await card.locator(`[data-testid="aleph2-keyframe-${dusk.shapeId}"] input[type=checkbox]`).check()
    await card.locator(`[data-testid="aleph2-keyframe-${dawn.shapeId}"] input[type=checkbox]`).check()
    await card.locator(`[data-testid="aleph2-at-${dusk.shapeId}"]`).fill('80')
    await card.locator(`[data-testid="aleph2-at-${dawn.shapeId}"]`).fill('10')
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-aleph2-keyframes.png') })
    const before = standIn.tasks.size
    await card.locator('[data-testid=aleph2-start]').click()
    await expect.poll(() => standIn.tasks.size, { timeout: 120_000 }).toBe(before + 1)
    const task = [...standIn.tasks.values()][before]!
    expect(task.endpoint).toBe('video_to_video')
    const png = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`
    expect(task.body).toMatchObject({ model: 'aleph2', promptText: 'evening, warm light turning blue', keyframes: [{ uri: png(dawn.bytes), at: 0.1 }, { uri: png(dusk.bytes), at: 0.8 }] })
    await page.close()
  })

  it('a failed edit of an upload is retried on the same upload, from the request stored on its row', async () => {
    nextSteps = () => [{ status: 'FAILED', failure: 'Internal error', failureCode: 'INTERNAL' }]
    const res = await ada.request.post('/api/edits', { data: { boardId: stack.boardId, source: { kind: 'asset', sha256: clip.sha256, shapeId: clip.shapeId }, model: 'aleph2', prompt: 'evening', params: {} } })
    expect(res.status()).toBe(202)
    const failed = (await res.json()) as { generationId: string; shotId: string }
    expect((await finished(failed.generationId)).status).toBe('failed')
    nextSteps = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(nextOutput, 'video/mp4')] }]
    const retry = await ada.request.post(`/api/generations/${failed.generationId}/retry`, { data: {} })
    expect(retry.status(), await retry.text()).toBe(202)
    const { generationId } = (await retry.json()) as { generationId: string }
    const row = await finished(generationId)
    expect(row).toMatchObject({ status: 'succeeded', parent: null, source: clip.sha256, shotId: failed.shotId })
    expect(row.request.source).toEqual({ kind: 'asset', sha256: clip.sha256, shapeId: clip.shapeId })
  })

  it('an asset of another workspace, or none, is refused by name and starts nothing', async () => {
    const before = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations`
    const res = await ada.request.post('/api/edits', { data: { boardId: stack.boardId, source: { kind: 'asset', sha256: 'a'.repeat(64) }, model: 'restyle', params: { preset: 'anime' } } })
    expect(res.status()).toBe(404)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^source\.sha256: no such upload or reference in this workspace/)
    const after = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generations`
    expect(after[0]!.n).toBe(before[0]!.n)
  })
})

describe('compositing an uploaded RGBA product shot over an uploaded clip', () => {
  it('keeps the product inside its alpha (SSIM ≥ 0.95), the plate outside, and the plate\'s rate and length', async () => {
    // The product: a shaded block, opaque, on full transparency; the plate's own size.
    const rgba = new Uint8Array(W * H * 4)
    const product = { x0: 120, y0: 30, x1: 200, y1: 160 }
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = x >= product.x0 && x < product.x1 && y >= product.y0 && y < product.y1
        const o = (y * W + x) * 4
        if (inside) rgba.set([160 + Math.round((x - product.x0) * 0.8), Math.round(90 + 40 * Math.sin(y / 6)), Math.round(60 + 30 * Math.cos(x / 7)), 255], o)
      }
    }
    const raw = path.join(dir, 'product.rgba')
    const png = path.join(dir, 'product.png')
    await writeFile(raw, rgba)
    await runProcess(paths.ffmpeg, ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${W}x${H}`, '-i', raw, '-frames:v', '1', png])
    const fg = await upload(await readFile(png))
    const { row } = await editAsset({
      source: { kind: 'asset', sha256: fg.sha256, shapeId: fg.shapeId },
      model: 'composite',
      params: { key: 'alpha', match: 0 },
      references: [{ shapeId: clip.shapeId, assetSha256: clip.sha256 }],
    })
    expect(row.source).toBe(fg.sha256)
    const out = await probeClip(blob(row.output!))
    expect(out.fps).toBe(`${FPS}/1`)
    expect(Math.abs(out.seconds - 5)).toBeLessThanOrEqual(1 / FPS + 0.01)
    const [source] = await frames(png, 'rgb24')
    const plate = await frames(blob(clip.sha256), 'rgb24')
    const composite = await frames(blob(row.output!), 'rgb24')
    expect(composite).toHaveLength(plate.length)
    const inside = { x0: product.x0 + 4, y0: product.y0 + 4, x1: product.x1 - 4, y1: product.y1 - 4 }
    const left = { x0: 0, y0: 0, x1: product.x0 - 8, y1: H }
    const right = { x0: product.x1 + 8, y0: 0, x1: W, y1: H }
    for (const i of [0, 31, 62, 93, plate.length - 1]) {
      expect(ssim(composite[i]!, source!, inside)).toBeGreaterThanOrEqual(0.95)
      expect(ssim(composite[i]!, plate[i]!, left)).toBeGreaterThanOrEqual(0.95)
      expect(ssim(composite[i]!, plate[i]!, right)).toBeGreaterThanOrEqual(0.95)
    }
  })
})

describe('Edit in the library', () => {
  it("restyles a library reference's image from the library panel, into an Edits shot", async () => {
    const still = path.join(dir, 'poster-still.png')
    await writeTestClip(paths.ffmpeg, still.replace(/png$/, 'mp4'), { width: W, height: H, fps: 1, seconds: 1, rgb: ['200', '90+Y/2', '40+X/4'] })
    await runProcess(paths.ffmpeg, ['-v', 'error', '-y', '-i', still.replace(/png$/, 'mp4'), '-frames:v', '1', still])
    const image = await upload(await readFile(still))
    const made = await ada.request.post(`/api/workspaces/${stack.workspaceId}/references`, { data: { tag: 'bottle', kind: 'product', assetIds: [image.asset.id] } })
    expect(made.status(), await made.text()).toBe(201)
    const page = await ada.newPage()
    await openBoard(page, stack.boardId)
    await page.locator('[data-testid=library-toggle]').click()
    const item = page.locator('[data-testid=library-reference][data-tag=bottle]')
    await item.locator('[data-testid=variation-edit]').click()
    await item.locator('[data-testid=variation-edit-menu]').waitFor()
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-any-source-library.png') })
    await item.locator('[data-testid=edit-restyle-film_noir]').click()
    let row: TEditRow | undefined
    await expect
      .poll(async () => {
        ;[row] = await stack.sql<TEditRow[]>`
          SELECT status::text AS status, error, output_asset AS output, shot_id AS "shotId", parent_generation_id AS parent, source_asset_sha256 AS source, request
          FROM generations WHERE source_asset_sha256 = ${image.sha256} AND model = 'restyle'`
        return row?.status
      }, { timeout: 120_000 })
      .toBe('succeeded')
    expect(row!.request.source).toEqual({ kind: 'asset', sha256: image.sha256 })
    // The board has its Edits shot (no card to go beside: right of everything).
    const title = await page.waitForFunction(
      (id) => (window as unknown as { __montageEditor: { getShape(id: string): { props: { title: string } } | undefined } }).__montageEditor.getShape(id)?.props.title ?? null,
      row!.shotId,
      { timeout: 30_000 },
    )
    expect(await title.jsonValue()).toBe('Edits')
    await page.close()
  })
})

describe('an upload whose bytes a generated output already holds', () => {
  it('comes back with renditions and is usable as a reference at once', async () => {
    // A finished edit's output (the relight above made one), uploaded again as a file.
    const [output] = await stack.sql<{ sha256: string }[]>`
      SELECT output_asset AS sha256 FROM generations WHERE workspace_id = ${stack.workspaceId} AND model = 'relight' AND status = 'succeeded' LIMIT 1`
    const again = await upload(await readFile(blob(output!.sha256)))
    expect(again.sha256).toBe(output!.sha256)
    expect(again.asset).toMatchObject({ ingest: 'ready', posterSha256: expect.stringMatching(/^[a-f0-9]{64}$/), stripSha256: expect.stringMatching(/^[a-f0-9]{64}$/) })
    // Named by @tag in a prompt, it is a reference the previz can use (it was "still being processed").
    const res = await ada.request.post('/api/generations', {
      data: { boardId: stack.boardId, shotId: 'shape:demo-shot-1', model: 'previz', prompt: '@matched push in', params: { duration: 2 }, references: [{ shapeId: again.shapeId, assetSha256: again.sha256, tag: 'matched' }] },
    })
    expect(res.status(), await res.text()).toBe(202)
  })
})
