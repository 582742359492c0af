import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { createRequire } from 'node:module'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { buffer } from 'node:stream/consumers'
import { promisify } from 'node:util'
import { crc32, deflateSync, createDeflate } from 'node:zlib'
import type { APIRequestContext, BrowserContext } from 'playwright-core'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TAssetView, TLibraryReference, TSignAssetsResponse, TUploadResponse } from '@montage/core'
import { readRecords } from '@montage/board'
import { addMember, createGeneration, createWorkspace, finishGeneration, loadBoardUpdates, upsertUser } from '@montage/db'
import { signMediaUrl } from '../lib/server/media-url'
import { startE2EStack, type E2EStack } from './harness'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const FFMPEG = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path
const FFPROBE = process.env.FFPROBE_PATH || (require('@ffprobe-installer/ffprobe') as { path: string }).path

let stack: E2EStack
let ada: BrowserContext
let api: APIRequestContext
let outsider: BrowserContext

/** A PNG chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData) >>> 0)
  return Buffer.concat([len, typeAndData, crc])
}

function pngWith(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))])
}

/** A real zip bomb: every row of a width×height greyscale image, deflated as a stream (never all in memory). */
async function bombPng(width: number, height: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 })
  const out: Buffer[] = []
  deflate.on('data', (c: Buffer) => out.push(c))
  const done = new Promise((resolve) => deflate.on('end', resolve))
  const rows = Buffer.alloc((width + 1) * 256) // 256 rows of a zero filter byte and zero pixels
  for (let y = 0; y < height; y += 256) {
    if (!deflate.write(rows.subarray(0, (width + 1) * Math.min(256, height - y)))) await new Promise((r) => deflate.once('drain', r))
  }
  deflate.end()
  await done
  return pngWith(width, height, Buffer.concat(out))
}

async function ffmpegBytes(args: string[], ext: string): Promise<Buffer> {
  const file = path.join(stack.dataDir, `fixture-${Math.random().toString(36).slice(2)}.${ext}`)
  await run(FFMPEG, ['-v', 'error', '-y', ...args, file])
  return readFile(file)
}

/** Zeroes the payload of every top-level `mdat` box: the container still parses, no frame decodes. */
function zeroMdat(mp4: Buffer): Buffer {
  const out = Buffer.from(mp4)
  for (let offset = 0; offset + 8 <= out.length; ) {
    const size = out.readUInt32BE(offset)
    if (out.toString('latin1', offset + 4, offset + 8) === 'mdat') out.fill(0, offset + 8, offset + size)
    offset += size
  }
  return out
}

/** A WebM whose header declares `declaredMs` over frames that run `seconds` long. */
async function webmDeclaring(seconds: number, declaredMs: number): Promise<Buffer> {
  const webm = await ffmpegBytes(['-f', 'lavfi', '-i', `testsrc2=size=64x64:rate=5`, '-t', String(seconds), '-c:v', 'libvpx', '-b:v', '50k'], 'webm')
  // Segment Info's Duration: EBML id 0x4489, an 8-byte float in milliseconds (the default timecode scale).
  const at = webm.indexOf(Buffer.from([0x44, 0x89, 0x88]))
  expect(at).toBeGreaterThan(0)
  webm.writeDoubleBE(declaredMs, at + 3)
  return webm
}

const solidPng = (color: string) => ffmpegBytes(['-f', 'lavfi', '-i', `color=c=${color}:s=320x180`, '-frames:v', '1'], 'png')

async function assetRows(): Promise<number> {
  const [row] = await stack.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM assets`
  return row!.n
}

/** Everything the asset store holds, temp and staged files included (a folder's files, or a bucket's keys). */
function assetFiles(): Promise<string[]> {
  return stack.storedObjects()
}

/** A stored blob's bytes, from whichever store the stack runs on. */
async function storedBytes(sha256: string): Promise<Buffer> {
  return buffer(await stack.store.read(sha256))
}

async function upload(bytes: Buffer, query = ''): Promise<{ status: number; body: TUploadResponse & { error?: { message: string; field?: string } } }> {
  const res = await api.post(`/api/uploads?boardId=${stack.boardId}${query}`, { data: bytes, headers: { 'Content-Type': 'application/octet-stream' } })
  return { status: res.status(), body: (await res.json()) as TUploadResponse & { error?: { message: string } } }
}

async function assetById(id: string): Promise<TAssetView> {
  const res = await api.get(`/api/assets/by-id/${id}`)
  expect(res.status()).toBe(200)
  return ((await res.json()) as { asset: TAssetView }).asset
}

beforeAll(async () => {
  stack = await startE2EStack({ services: ['web', 'collab-server', 'workflows', 'gpu-worker'] })
  ada = await stack.signedIn('local:ada')
  api = ada.request
  // Someone with a workspace of their own, and none of the demo's.
  const user = await upsertUser(stack.sql, { authSubject: 'local:outsider', name: 'Olga Outsider' })
  const ws = await createWorkspace(stack.sql, { name: 'Elsewhere', ownerId: user.id })
  await addMember(stack.sql, { workspaceId: ws.id, userId: user.id, role: 'owner' }).catch(() => undefined)
  outsider = await stack.signedIn('local:outsider')
}, 180_000)

afterAll(async () => {
  await stack?.close()
})

describe('uploads: bad files are refused with a reason, and nothing is stored', () => {
  it.each([
    ['a .png that is a text file', async () => Buffer.from('this is just a note, not a picture\n'.repeat(40)), 415, /not a PNG, JPEG, WebP, MP4, MOV, WebM, WAV, MP3, AAC or M4A \(its bytes are plain text\)/],
    // Issue 17: a text file with an ID3 header (a fake MP3) must be refused at upload, nothing stored.
    [
      'a fake MP3: a text file behind an ID3 header',
      async () => Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(10), Buffer.from('Meeting notes, not a song.\n'.repeat(100))]),
      415,
      /its bytes are an ID3 tag not followed by MP3 audio/,
    ],
    [
      'an MP3 whose first frame is followed by garbage',
      async () => {
        const mp3 = await ffmpegBytes(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_xing', '0'], 'mp3')
        return Buffer.concat([mp3.subarray(0, 600), Buffer.from('garbage that is not audio '.repeat(2000))])
      },
      415,
      /The MP3 cannot be (read|decoded)/,
    ],
    [
      'an mp4 cut in half',
      async () => {
        const mp4 = await ffmpegBytes(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=24', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'], 'mp4')
        return mp4.subarray(0, mp4.length >> 1)
      },
      415,
      /The MP4 cannot be read: it is truncated or damaged/,
    ],
    ['a 30,000×30,000 PNG (header and a tiny IDAT)', async () => pngWith(30_000, 30_000, deflateSync(Buffer.alloc(16))), 413, /30000×30000 pixels is over the 8192×8192 limit/],
    ['an 8000×8000 PNG, inside the side limit but 64 MP', async () => pngWith(8000, 8000, deflateSync(Buffer.alloc(16))), 413, /8000×8000 pixels \(64 MP\) is over the 40 MP limit/],
    ['an empty file', async () => Buffer.alloc(0), 400, /The file is empty/],
    // Issue 12: a text file behind a PNG signature and a valid IHDR was stored (201) and failed at ingest.
    [
      'a text file behind a PNG signature and a valid IHDR',
      async () => {
        const png = pngWith(320, 180, deflateSync(Buffer.alloc(16)))
        return Buffer.concat([png.subarray(0, 8 + 25), Buffer.from('this is just a note, not a picture\n'.repeat(40))])
      },
      415,
      /The PNG cannot be decoded: its image data is damaged/,
    ],
    [
      'an MP4 whose container parses but whose frames are zeros',
      async () => zeroMdat(await ffmpegBytes(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=24', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'], 'mp4')),
      415,
      /The MP4 cannot be decoded: none of its frames can be read/,
    ],
    // Issue 12: a WebM's declared duration was trusted; 90 s of frames under a header saying 5 s went in.
    ['a WebM whose header says 5 s over 90 s of frames', async () => webmDeclaring(90, 5000), 413, /The video is over 60 s long; videos can be at most 60 s/],
    [
      'a decompression bomb (20,000×20,000 of zeros, deflated)',
      async () => {
        const bomb = await bombPng(20_000, 20_000)
        // Small on the wire, 400 MB once inflated: only its header may be read.
        expect(bomb.length).toBeLessThan(1024 * 1024)
        return bomb
      },
      413,
      /20000×20000 pixels is over the 8192×8192 limit/,
    ],
  ])('%s', async (_name, make, status, message) => {
    const bytes = await make()
    const [rowsBefore, filesBefore] = [await assetRows(), await assetFiles()]
    const res = await upload(bytes)
    expect(res.status).toBe(status)
    expect(res.body.error?.message).toMatch(message)
    expect(await assetRows()).toBe(rowsBefore)
    expect(await assetFiles()).toEqual(filesBefore)
  })
})

describe('uploads: a refused body closes its connection cleanly', () => {
  interface TAnswer { status?: number; connection?: string; reused: boolean; error?: string }

  // Issue 12: a body refused before it was read was answered "Connection: keep-alive", then the
  // socket was reset, so a keep-alive client's next request on it failed.
  it('answers Connection: close, closes without a reset, and the same keep-alive client\'s next request succeeds', async () => {
    const cookie = (await ada.cookies()).find((c) => c.name === 'montage_session')!
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const socketErrors: string[] = []
    const url = new URL(stack.baseUrl)
    const request = (method: string, p: string, body?: Buffer, opts: { chunked?: boolean } = {}) =>
      new Promise<TAnswer>((resolve) => {
        const req = http.request({ host: url.hostname, port: url.port, method, path: p, agent, headers: { cookie: `montage_session=${cookie.value}`, ...(body && !opts.chunked ? { 'content-length': body.length } : {}) } }, (res) => {
          res.resume()
          res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, reused: req.reusedSocket }))
        })
        req.on('socket', (socket) => {
          if (!socket.listenerCount('error')) socket.on('error', (e: NodeJS.ErrnoException) => socketErrors.push(`${method} ${p}: ${e.code}`))
        })
        req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, reused: req.reusedSocket }))
        if (!body) return req.end()
        // Written in pieces, as a browser uploads: the server refuses long before the last one.
        let offset = 0
        const next = () => {
          if (req.destroyed) return
          if (offset >= body.length) return req.end()
          req.write(body.subarray(offset, (offset += 256 * 1024)))
          setTimeout(next, 1)
        }
        next()
      })

    expect(await request('GET', '/api/me')).toMatchObject({ status: 200 })
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(12 * 1024 * 1024, 7)])
    const [rowsBefore, filesBefore] = [await assetRows(), await assetFiles()]
    const refusedUpload = await request('POST', `/api/uploads?boardId=${stack.boardId}`, gif)
    expect(refusedUpload).toMatchObject({ status: 415, connection: 'close' })
    expect(await request('GET', '/api/me')).toEqual({ status: 200, connection: 'keep-alive', reused: false })
    expect(await assetRows()).toBe(rowsBefore)
    expect(await assetFiles()).toEqual(filesBefore)

    // A 1 MB prompt (the JSON cap is 512 KB), sent without a length so it is read until the cap.
    const prompt = Buffer.from(JSON.stringify({ boardId: stack.boardId, shotId: 'shape:demo-shot-1', model: 'previz', params: { duration: 2 }, references: [], prompt: 'x'.repeat(1024 * 1024) }))
    expect(await request('POST', '/api/generations', prompt, { chunked: true })).toMatchObject({ status: 413, connection: 'close' })
    expect(await request('GET', '/api/me')).toMatchObject({ status: 200, reused: false })
    // The same with its length declared: refused before a byte is read.
    expect(await request('POST', '/api/generations', prompt)).toMatchObject({ status: 413, connection: 'close' })
    expect(await request('GET', '/api/me')).toMatchObject({ status: 200, reused: false })
    // A small body refused before it was read is read to its end, and its connection stays.
    expect(await request('POST', `/api/uploads?boardId=${randomUUID()}`, Buffer.alloc(2048, 1))).toMatchObject({ status: 404, connection: 'keep-alive', reused: true })
    // An honest request keeps its connection.
    expect(await request('GET', '/api/me')).toMatchObject({ status: 200, connection: 'keep-alive', reused: true })
    expect(socketErrors).toEqual([])
    agent.destroy()
  })
})

describe('uploads: dedupe and ingest', () => {
  it('stores the same image once: the second upload is deduplicated and the same asset', async () => {
    const png = await solidPng('0x3366aa')
    const first = await upload(png)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ deduplicated: false, asset: { mimeType: 'image/png', width: 320, height: 180, ingest: 'pending' } })
    const second = await upload(png)
    expect(second.status).toBe(201)
    expect(second.body.deduplicated).toBe(true)
    expect(second.body.asset.id).toBe(first.body.asset.id)
    const rows = await stack.sql`SELECT id FROM assets WHERE sha256 = ${first.body.asset.sha256}`
    expect(rows).toHaveLength(1)
    await expect.poll(async () => (await assetById(first.body.asset.id)).ingest, { timeout: 60_000, interval: 500 }).toBe('ready')
    expect((await assetById(first.body.asset.id)).posterSha256).toMatch(/^[a-f0-9]{64}$/)
  })

  it('takes a WebM at the duration its frames run, not the one its header declares', async () => {
    const res = await upload(await webmDeclaring(3, 60_000))
    expect(res.status).toBe(201)
    expect(res.body.asset).toMatchObject({ mimeType: 'video/webm', width: 64, height: 64, durationMs: 3000 })
  })

  it('ingests a video: poster, strip and an H.264 yuv420p proxy, and the board shape shows them', async () => {
    const mp4 = await ffmpegBytes(['-f', 'lavfi', '-i', 'testsrc2=size=1280x960:rate=24', '-t', '3', '-pix_fmt', 'yuv444p', '-c:v', 'libx264', '-preset', 'ultrafast'], 'mp4')
    const shapeId = 'shape:uploadsapiclip'
    const res = await upload(mp4, `&shapeId=${shapeId}`)
    expect(res.status).toBe(201)
    expect(res.body.asset).toMatchObject({ mimeType: 'video/mp4', width: 1280, height: 960, durationMs: 3000, ingest: 'pending', proxySha256: null })
    await expect.poll(async () => (await assetById(res.body.asset.id)).ingest, { timeout: 120_000, interval: 1000 }).toBe('ready')
    const asset = await assetById(res.body.asset.id)
    expect(asset).toMatchObject({ stripFrames: 10 })
    for (const sha of [asset.posterSha256, asset.stripSha256, asset.proxySha256]) {
      expect(sha).toMatch(/^[a-f0-9]{64}$/)
    }
    const { stdout } = await stack.store.withLocalFile(asset.proxySha256!, (proxyFile) => run(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,pix_fmt,width,height', '-of', 'json', proxyFile]))
    expect(JSON.parse(stdout).streams[0]).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', height: 720, width: 960 })

    // The ingest workflow's board command reached the stored board.
    await expect
      .poll(
        async () => {
          const doc = new Y.Doc()
          for (const u of await loadBoardUpdates(stack.sql, stack.boardId)) Y.applyUpdate(doc, u)
          const shape = readRecords(doc)[shapeId] as unknown as { props: Record<string, unknown> } | undefined
          return shape?.props
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toMatchObject({ assetSha256: asset.sha256, ingest: 'ready', proxySha256: asset.proxySha256, stripFrames: 10 })
  })
})

describe('uploads: sounds', () => {
  it('takes an MP3 with its duration, ingests a waveform poster and no proxy, and the board shape shows it', async () => {
    const mp3 = await ffmpegBytes(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=4', '-c:a', 'libmp3lame', '-id3v2_version', '3', '-metadata', 'title=Harbour'], 'mp3')
    const shapeId = 'shape:uploadsapisound'
    const res = await upload(mp3, `&shapeId=${shapeId}`)
    expect(res.status).toBe(201)
    expect(res.body.asset).toMatchObject({ mimeType: 'audio/mpeg', width: null, height: null, ingest: 'pending' })
    expect(Math.abs(res.body.asset.durationMs! - 4000)).toBeLessThan(100)
    expect(await storedBytes(res.body.asset.sha256)).toEqual(mp3)
    await expect.poll(async () => (await assetById(res.body.asset.id)).ingest, { timeout: 120_000, interval: 1000 }).toBe('ready')
    const asset = await assetById(res.body.asset.id)
    expect(asset).toMatchObject({ stripSha256: null, proxySha256: null, width: null, height: null, durationMs: res.body.asset.durationMs })
    const { stdout } = await stack.store.withLocalFile(asset.posterSha256!, (f) => run(FFPROBE, ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', f]))
    expect(JSON.parse(stdout).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 960, height: 240 })
    await expect
      .poll(
        async () => {
          const doc = new Y.Doc()
          for (const u of await loadBoardUpdates(stack.sql, stack.boardId)) Y.applyUpdate(doc, u)
          return (readRecords(doc)[shapeId] as unknown as { props: Record<string, unknown> } | undefined)?.props
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toMatchObject({ assetSha256: asset.sha256, mimeType: 'audio/mpeg', ingest: 'ready', posterSha256: asset.posterSha256, proxySha256: '' })
    // Served as a sound, with ranges (what an <audio> element asks for).
    const sign = await api.post('/api/assets/sign', { data: { sha256s: [asset.sha256], boardId: stack.boardId } })
    const url = ((await sign.json()) as TSignAssetsResponse).urls[asset.sha256]!
    const ranged = await api.get(url, { headers: { Range: 'bytes=0-99' } })
    expect(ranged.status()).toBe(206)
    expect(ranged.headers()['content-type']).toBe('audio/mpeg')
    // A sound is no picture of anything: it cannot be a library reference's view.
    const ref = await api.post(`/api/workspaces/${stack.workspaceId}/references`, { data: { tag: 'harbour_sound', kind: 'location', assetIds: [asset.id] } })
    expect(ref.status()).toBe(400)
    expect(((await ref.json()) as { error: { message: string } }).error.message).toMatch(/assetIds\.0: a sound cannot be a view of a reference/)

    // Nor can it be edited (every edit works on pictures): refused before anything is stored or charged.
    const [adaRow] = await stack.sql<{ id: string }[]>`SELECT id FROM users WHERE auth_subject = 'local:ada'`
    const generationId = randomUUID()
    await createGeneration(stack.sql, {
      id: generationId, workspaceId: stack.workspaceId, boardId: stack.boardId, shotId: 'shape:demo-shot-1', variationId: `shape:snd-${generationId.slice(0, 8)}`,
      model: 'eleven_multilingual_v2', params: { voice: 'Maya' }, credits: 1, workflowId: `generation/${generationId}`, createdBy: adaRow!.id,
    })
    await finishGeneration(stack.sql, { id: generationId, status: 'succeeded', outputAsset: asset.sha256, posterAsset: asset.posterSha256!, outputMimeType: 'audio/mpeg' })
    const generationsBefore = (await stack.sql`SELECT id FROM generations`).length
    const edit = await api.post(`/api/generations/${generationId}/edit`, { data: { model: 'upscale', params: { factor: 2 } } })
    expect(edit.status()).toBe(400)
    expect(((await edit.json()) as { error: { message: string } }).error.message).toMatch(/this variation is a sound; the edits work on pictures and clips/)
    expect((await stack.sql`SELECT id FROM generations`).length).toBe(generationsBefore)
  })
})

describe('signed asset URLs', () => {
  let png: TAssetView
  let other: TAssetView
  let urls: Record<string, string>

  beforeAll(async () => {
    png = (await upload(await solidPng('0xaa7733'))).body.asset
    other = (await upload(await solidPng('0x33aa77'))).body.asset
    const res = await api.post('/api/assets/sign', { data: { sha256s: [png.sha256, other.sha256], boardId: stack.boardId } })
    expect(res.status()).toBe(200)
    const body = (await res.json()) as TSignAssetsResponse
    expect(body.expiresAt).toBeGreaterThan(Date.now())
    urls = body.urls
  })

  it('serves its asset without a cookie, with 206 on a Range', async () => {
    const bytes = await storedBytes(png.sha256)
    const res = await fetch(`${stack.baseUrl}${urls[png.sha256]}`, { headers: { Range: 'bytes=0-99' } })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes.subarray(0, 100))
    const whole = await fetch(`${stack.baseUrl}${urls[png.sha256]}`)
    expect(whole.status).toBe(200)
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes)
  })

  it('is refused for another sha256, with a tampered signature, and after it expires', async () => {
    const url = new URL(urls[png.sha256]!, stack.baseUrl)
    const swapped = new URL(url)
    swapped.pathname = `/api/media/${other.sha256}`
    expect((await fetch(swapped)).status).toBe(403)
    const tampered = new URL(url)
    const s = tampered.searchParams.get('s')!
    tampered.searchParams.set('s', `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`)
    expect((await fetch(tampered)).status).toBe(403)
    const later = new URL(url)
    later.searchParams.set('e', String(Number(url.searchParams.get('e')) + 3600))
    expect((await fetch(later)).status).toBe(403)
    // A correctly signed URL whose time has passed (signed with the server's own key).
    const secret = Buffer.from(await readFile(path.join(stack.dataDir, 'auth', 'media-url.key'), 'utf8'), 'base64')
    const expired = signMediaUrl(secret, { sha256: png.sha256, workspaceId: stack.workspaceId, expires: Math.floor(Date.now() / 1000) - 1 })
    const res = await fetch(`${stack.baseUrl}${expired}`)
    expect(res.status).toBe(410)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/)
  })

  it('is what the board\'s cards load their media through (useAssetUrl), and it loads', async () => {
    const page = await ada.newPage()
    await page.goto(`/boards/${stack.boardId}`)
    const img = page.locator('[data-testid=reference] img').first()
    await expect.poll(() => img.getAttribute('src'), { timeout: 30_000 }).toMatch(/^\/api\/media\/[a-f0-9]{64}\?w=.+&e=\d+&s=/)
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0)
    await mkdir('/tmp/shots-uploads-api', { recursive: true })
    await page.screenshot({ path: '/tmp/shots-uploads-api/board-signed-media.png' })
    await page.close()
  })

  it('is not given to a member of another workspace (403) nor to a signed-out caller (401)', async () => {
    const res = await outsider.request.post('/api/assets/sign', { data: { sha256s: [png.sha256], boardId: stack.boardId } })
    expect(res.status()).toBe(403)
    const anon = await fetch(`${stack.baseUrl}/api/assets/sign`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sha256s: [png.sha256], boardId: stack.boardId }) })
    expect(anon.status).toBe(401)
  })
})

describe('@tags from the workspace library reach the local engine', () => {
  it('renders a previz whose plate is @hero, and refuses an unknown @tag naming it', async () => {
    const hero = (await upload(await solidPng('red'))).body.asset
    const bottle = (await upload(await solidPng('blue'))).body.asset
    for (const [tag, kind, id] of [['hero', 'character', hero.id], ['bottle', 'product', bottle.id]] as const) {
      const res = await api.post(`/api/workspaces/${stack.workspaceId}/references`, { data: { tag, kind, assetIds: [id] } })
      expect(res.status()).toBe(201)
    }
    const dup = await api.post(`/api/workspaces/${stack.workspaceId}/references`, { data: { tag: 'hero', kind: 'character', assetIds: [bottle.id] } })
    expect(dup.status()).toBe(409)
    expect(((await dup.json()) as { error: { field: string } }).error.field).toBe('tag')
    const list = (await (await api.get(`/api/workspaces/${stack.workspaceId}/references`)).json()) as { items: TLibraryReference[] }
    expect(list.items.map((r) => [r.tag, r.views[0]?.sha256])).toEqual(expect.arrayContaining([['hero', hero.sha256], ['bottle', bottle.sha256]]))
    expect((await outsider.request.get(`/api/workspaces/${stack.workspaceId}/references`)).status()).toBe(404)

    const generation = { boardId: stack.boardId, shotId: 'shape:demo-shot-1', model: 'previz', params: { duration: 2, cameraMove: 'push_in' }, references: [] }
    const unknown = await api.post('/api/generations', { data: { ...generation, prompt: '@hero meets @nobody' } })
    expect(unknown.status()).toBe(400)
    expect(await unknown.json()).toMatchObject({ error: { field: 'prompt', message: expect.stringContaining('@nobody') } })

    const started = await api.post('/api/generations', { data: { ...generation, prompt: '@hero walks to @bottle' } })
    expect(started.status()).toBe(202)
    const { generationId, variationId } = (await started.json()) as { generationId: string; variationId: string }
    await expect
      .poll(async () => (await stack.sql<{ status: string }[]>`SELECT status FROM generations WHERE id = ${generationId}`)[0]?.status, { timeout: 120_000, interval: 1000 })
      .toBe('succeeded')
    const [row] = await stack.sql<{ outputAsset: string }[]>`SELECT output_asset AS "outputAsset" FROM generations WHERE id = ${generationId}`
    const { stdout } = await stack.store.withLocalFile(row!.outputAsset, (file) => run(FFMPEG, ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer' }))
    const [r, g, b] = stdout as unknown as Buffer
    // @hero is solid red, @bottle solid blue: the first frame is @hero's.
    expect(r).toBeGreaterThan(200)
    expect(g).toBeLessThan(60)
    expect(b).toBeLessThan(60)

    // The take becomes a reference in one action: its poster is the new reference's view.
    const promoted = await api.post('/api/references/promote', { data: { boardId: stack.boardId, variationId, tag: 'hero_take', kind: 'character' } })
    expect(promoted.status()).toBe(201)
    const [gen] = await stack.sql<{ posterAsset: string }[]>`SELECT poster_asset AS "posterAsset" FROM generations WHERE id = ${generationId}`
    const { reference } = (await promoted.json()) as { reference: TLibraryReference }
    expect(reference).toMatchObject({ tag: 'hero_take', views: [{ sha256: gen!.posterAsset, mimeType: 'image/jpeg' }] })
    const view = await api.post(`/api/references/${reference.id}/views`, { data: { assetId: hero.id } })
    expect(view.status()).toBe(201)
    expect(((await view.json()) as { reference: TLibraryReference }).reference.views.map((v) => v.sha256)).toEqual([gen!.posterAsset, hero.sha256])
    expect((await outsider.request.post(`/api/references/${reference.id}/views`, { data: { assetId: hero.id } })).status()).toBe(404)
  })
})
