import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { buffer } from 'node:stream/consumers'
import { promisify } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import type { Editor, TLShape } from 'tldraw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TAssetView, TSignAssetsResponse, TUploadResponse } from '@montage/core'
import { REPO_ROOT, openBoard, startE2EStack, type E2EStack } from './harness'
import { addSucceededVariation, cookieFrom, signInCookie } from './review-fixtures'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const FFMPEG = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path

let stack: E2EStack
let ada: BrowserContext
let boardId: string

async function ffmpegBytes(args: string[], ext: string): Promise<Buffer> {
  const dir = path.join(REPO_ROOT, '.data', 'e2e-fixtures')
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, `s3-${Math.random().toString(36).slice(2)}.${ext}`)
  await run(FFMPEG, ['-v', 'error', '-y', ...args, file])
  return readFile(file)
}

const clipBytes = () => ffmpegBytes(['-f', 'lavfi', '-i', 'testsrc=duration=3:size=480x270:rate=25', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart'], 'mp4')

async function upload(bytes: Buffer): Promise<{ status: number; body: TUploadResponse & { error?: { message: string } } }> {
  const res = await ada.request.post(`/api/uploads?boardId=${boardId}`, { data: bytes, headers: { 'Content-Type': 'application/octet-stream' } })
  return { status: res.status(), body: (await res.json()) as TUploadResponse & { error?: { message: string } } }
}

async function assetById(id: string): Promise<TAssetView> {
  const res = await ada.request.get(`/api/assets/by-id/${id}`)
  expect(res.status()).toBe(200)
  return ((await res.json()) as { asset: TAssetView }).asset
}

/**
 * Media files on the stack's disk where web would put them: the local store's folder (its staging
 * temp files included) and the old upload temp folder. With S3 there are none. (The gpu-worker's
 * passing copies for ffmpeg live in tmp/assets and are not web's.)
 */
async function localMediaFiles(): Promise<string[]> {
  const out: string[] = []
  for (const sub of ['assets', 'tmp/uploads']) {
    const entries = await readdir(path.join(stack.dataDir, sub), { recursive: true, withFileTypes: true }).catch(() => [])
    for (const e of entries) if (e.isFile()) out.push(path.join(e.parentPath, e.name))
  }
  return out
}

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server', 'workflows', 'gpu-worker'], assetStore: 's3' })
  ada = await stack.signedIn('local:ada')
  const created = await ada.request.post('/api/boards', { data: { workspaceId: stack.workspaceId, name: 'Uploads on S3' } })
  expect(created.status()).toBe(201)
  boardId = ((await created.json()) as { id: string }).id
}, 300_000)

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return
  const dir = path.join(REPO_ROOT, '.data/e2e-screenshots')
  await mkdir(dir, { recursive: true })
  let i = 0
  for (const context of stack.browser.contexts()) for (const page of context.pages()) await page.screenshot({ path: path.join(dir, `uploads-s3-${task.name.slice(0, 24).replace(/\W+/g, '-')}-${i++}.png`) }).catch(() => {})
})

afterAll(async () => {
  await stack?.close()
})

describe('uploads and media on an S3 bucket', () => {
  it('a clip and a still go into the bucket (nothing on web\'s disk), get their renditions, and the board plays the clip from a presigned URL', async () => {
    const s3 = stack.s3!
    const png = await ffmpegBytes(['-f', 'lavfi', '-i', 'testsrc2=size=640x400:rate=1', '-frames:v', '1'], 'png')
    const mp4 = await clipBytes()
    const still = await upload(png)
    expect(still.status).toBe(201)
    expect(still.body.asset).toMatchObject({ mimeType: 'image/png', width: 640, height: 400 })
    const clip = await upload(mp4)
    expect(clip.status).toBe(201)
    expect(clip.body.asset).toMatchObject({ mimeType: 'video/mp4', width: 480, height: 270, durationMs: 3000 })

    // Each blob is under its name in the bucket, the staging area is empty, web's disk holds no media.
    const keys = await stack.storedObjects()
    for (const sha of [still.body.asset.sha256, clip.body.asset.sha256]) expect(keys).toContain(`assets/${sha.slice(0, 2)}/${sha}`)
    expect(keys.filter((k) => k.startsWith('staging/'))).toEqual([])
    expect(await localMediaFiles()).toEqual([])
    expect(Buffer.from(await buffer(await stack.store.read(clip.body.asset.sha256)))).toEqual(mp4)

    // The ingest (gpu-worker, reading and writing the bucket) makes the poster, strip and proxy.
    await expect.poll(async () => (await assetById(clip.body.asset.id)).ingest, { timeout: 180_000, interval: 1000 }).toBe('ready')
    const ingested = await assetById(clip.body.asset.id)
    await expect.poll(async () => (await assetById(still.body.asset.id)).ingest, { timeout: 120_000, interval: 1000 }).toBe('ready')
    const stillView = await assetById(still.body.asset.id)
    expect(await stack.storedObjects()).toContain(`assets/${ingested.posterSha256!.slice(0, 2)}/${ingested.posterSha256}`)

    // A member's signed URL answers with a redirect to the bucket, typed as the asset row says.
    const signed = await ada.request.post('/api/assets/sign', { data: { sha256s: [clip.body.asset.sha256], boardId } })
    const { urls } = (await signed.json()) as TSignAssetsResponse
    const redirect = await fetch(`${stack.baseUrl}${urls[clip.body.asset.sha256]}`, { redirect: 'manual' })
    expect(redirect.status).toBe(302)
    expect(redirect.headers.get('cache-control')).toBe('private, no-store')
    const location = new URL(redirect.headers.get('location')!)
    expect(location.origin).toBe(new URL(s3.endpoint).origin)
    const expiresIn = Number(location.searchParams.get('X-Amz-Expires'))
    const signedExpiry = Number(new URL(urls[clip.body.asset.sha256]!, stack.baseUrl).searchParams.get('e'))
    expect(expiresIn).toBeGreaterThan(0)
    // The bucket's URL dies no later than ours (X-Amz-Date is yyyymmddThhmmssZ).
    const amzDate = location.searchParams.get('X-Amz-Date')!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')
    expect(Date.parse(amzDate) / 1000 + expiresIn).toBe(signedExpiry)
    const ranged = await fetch(location, { headers: { Range: 'bytes=0-99' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-type')).toBe('video/mp4')
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(mp4.subarray(0, 100))

    // On the board: the still's thumbnail and the clip's poster load through the redirect, and the clip plays from the bucket.
    const page = await ada.newPage()
    // What the page asked the bucket for, and whether web had redirected it there (read from the
    // browser's own network log: it lists the media element's range requests too).
    const fromBucket: { url: string; redirected: boolean }[] = []
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url.startsWith(new URL(s3.endpoint).origin)) fromBucket.push({ url: e.request.url, redirected: e.redirectResponse?.status === 302 && e.redirectResponse.url.includes('/api/media/') })
    })
    await openBoard(page, boardId)
    const cardIds = await placeReferenceCards(page, [stillView, ingested])
    const card = (id: string) => page.locator(`[data-testid=reference][data-shape-id="${id}"]`)
    const thumb = card(cardIds[0]!).locator('[data-testid=media][data-state=ready] img')
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(0)
    const poster = card(cardIds[1]!).locator('[data-testid=media][data-state=ready] [data-testid=scrub] img')
    await expect.poll(() => poster.evaluate((img) => (img as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(0)
    await card(cardIds[1]!).locator('[data-testid=media-play]').click()
    const video = card(cardIds[1]!).locator('[data-testid=media-video]')
    await expect.poll(() => video.evaluate((v) => (v as HTMLVideoElement).currentTime).catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(0.5)
    expect(await video.evaluate((v) => (v as HTMLVideoElement).readyState)).toBeGreaterThanOrEqual(2)
    expect(await video.evaluate((v) => (v as HTMLVideoElement).error)).toBeNull()
    const played = ingested.proxySha256 ?? ingested.sha256
    expect(await video.evaluate((v) => (v as HTMLVideoElement).currentSrc)).toContain(`/api/media/${played}`)
    // The bytes came from the bucket: the page's requests for the clip and both posters were redirected there, range requests included.
    // (A still's card shows its ingest poster.)
    for (const sha of [played, ingested.posterSha256!, stillView.posterSha256 || stillView.sha256]) expect(fromBucket.some((r) => r.url.includes(sha) && r.redirected), sha).toBe(true)
    await page.close()
  })

  it.each([
    ['an MP4 cut in half', async () => {
      const mp4 = await clipBytes()
      return mp4.subarray(0, mp4.length >> 1)
    }, /The MP4 cannot be read: it is truncated or damaged/],
    [
      'an MP4 header followed by garbage',
      async () => {
        const mp4 = await clipBytes()
        const moov = mp4.indexOf(Buffer.from('moov'))
        return Buffer.concat([mp4.subarray(0, moov + 64), Buffer.alloc(mp4.length - moov - 64, 0x5a)])
      },
      /The MP4 cannot be (read|decoded)/,
    ],
    ['a text file', async () => Buffer.from('not a picture at all\n'.repeat(100)), /not a PNG, JPEG, WebP, MP4, MOV, WebM, WAV, MP3, AAC or M4A/],
    ['a GIF of 12 MB (refused as its first bytes arrive)', async () => Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(12 * 1024 * 1024, 7)]), /not a PNG, JPEG, WebP, MP4, MOV, WebM, WAV, MP3, AAC or M4A \(its bytes are a GIF image\)/],
    // Issue 17: a fake MP3 (text behind an ID3 header) leaves nothing in the bucket either.
    [
      'a fake MP3: a text file behind an ID3 header',
      async () => Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(10), Buffer.from('Meeting notes, not a song.\n'.repeat(100))]),
      /its bytes are an ID3 tag not followed by MP3 audio/,
    ],
    [
      'an ADPCM WAV whose blocks after the first are text',
      async () => {
        const wav = await ffmpegBytes(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'adpcm_ima_wav'], 'wav')
        // Its header reads; the decoder refuses the blocks of text (a PCM WAV would play them as noise).
        const data = wav.indexOf(Buffer.from('data')) + 8
        return Buffer.concat([wav.subarray(0, data + 1024), Buffer.from('not audio at all, just words. '.repeat(400))])
      },
      /The WAV cannot be (read|decoded)/,
    ],
  ])('a refused upload (%s) leaves nothing in the bucket', async (_name, make, message) => {
    const bytes = await make()
    const [rowsBefore, keysBefore] = [(await stack.sql`SELECT id FROM assets`).length, await stack.storedObjects()]
    const res = await upload(bytes)
    expect(res.status).toBe(415)
    expect(res.body.error?.message).toMatch(message)
    expect(res.body.error?.message).not.toMatch(/X-Amz|https?:\/\//)
    expect((await stack.sql`SELECT id FROM assets`).length).toBe(rowsBefore)
    expect(await stack.storedObjects()).toEqual(keysBefore)
    expect(await localMediaFiles()).toEqual([])
  })

  it('a guest link serves an asset in its scope by a redirect to the bucket, and nothing outside it', async () => {
    const producer = await signInCookie(stack, 'local:ada')
    const media = { video: await clipBytes(), poster: await ffmpegBytes(['-f', 'lavfi', '-i', 'color=c=red:s=64x36', '-frames:v', '1'], 'png') }
    const variation = await addSucceededVariation(stack, { boardId: stack.boardId, workspaceId: stack.workspaceId, shotId: 'shape:demo-shot-1', createdBy: producer.userId, media })
    const created = await fetch(`${stack.baseUrl}/api/boards/${stack.boardId}/review-links`, {
      method: 'POST',
      headers: { cookie: producer.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'board', expiresInHours: 1 }),
    })
    expect(created.status).toBe(201)
    const token = ((await created.json()) as { link: { url: string } }).link.url.replace(/^\/r\//, '')
    const opened = await fetch(`${stack.baseUrl}/api/r/${token}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Carla Client' }) })
    expect(opened.status).toBe(201)
    const guest = cookieFrom(opened, 'montage_guest')

    const res = await fetch(`${stack.baseUrl}/api/r/${token}/assets/${variation.assetSha256}`, { headers: { cookie: guest }, redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const location = new URL(res.headers.get('location')!)
    expect(location.origin).toBe(new URL(stack.s3!.endpoint).origin)
    expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300)
    const ranged = await fetch(location, { headers: { Range: 'bytes=100-199' } })
    expect(ranged.status).toBe(206)
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(media.video.subarray(100, 200))
    // A HEAD is answered by web itself (a presigned URL is for GET only).
    const head = await fetch(`${stack.baseUrl}/api/r/${token}/assets/${variation.assetSha256}`, { method: 'HEAD', headers: { cookie: guest } })
    expect(head.status).toBe(200)
    expect(head.headers.get('location')).toBeNull()
    expect(head.headers.get('content-type')).toBe('video/mp4')
    // Outside the scope: 404 and no redirect, whether or not the bucket holds it.
    const outside = await fetch(`${stack.baseUrl}/api/r/${token}/assets/${'f'.repeat(64)}`, { headers: { cookie: guest }, redirect: 'manual' })
    expect(outside.status).toBe(404)
  })
})

/** Puts a reference card for each asset on the open board (as a drop would once uploaded) and returns their ids. */
async function placeReferenceCards(page: Page, assets: TAssetView[]): Promise<string[]> {
  return page.evaluate((assets) => {
    const editor = (window as unknown as { __montageEditor: Editor }).__montageEditor
    const c = editor.getViewportPageBounds().center
    const ids = assets.map((_, i) => `shape:s3card${i}`)
    editor.createShapes(
      assets.map((a, i) => ({
        id: ids[i] as TLShape['id'],
        type: 'reference',
        x: c.x - 400 + i * 420,
        y: c.y - 150,
        props: {
          w: 400,
          h: 260,
          assetSha256: a.sha256,
          mimeType: a.mimeType,
          ingest: a.ingest,
          posterSha256: a.posterSha256 ?? '',
          stripSha256: a.stripSha256 ?? '',
          stripFrames: a.stripFrames ?? 0,
          proxySha256: a.proxySha256 ?? '',
        },
      })) as never,
    )
    return ids
  }, assets)
}
