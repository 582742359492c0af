import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalAssetStore } from '@montage/assets'
import { AppError, UPLOAD_LIMITS } from '@montage/core'
import { probeAudioUpload } from '../lib/server/uploads/probe-audio-upload'
import { receiveUpload } from '../lib/server/uploads/receive-upload'
import { sniffUpload } from '../lib/server/uploads/sniff-upload'

/*
 * Sound uploads (issue 17): the route's own steps on real bytes made by ffmpeg and a real store:
 * the type from the magic bytes as the body streams, then ffprobe and ffmpeg on the staged file.
 * The e2e test (uploads-api) drives the same through HTTP with the database.
 */

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const bins = {
  ffmpeg: process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
  ffprobe: process.env.FFPROBE_PATH || (require('@ffprobe-installer/ffprobe') as { path: string }).path,
}
let dir: string
let store: LocalAssetStore

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'audio-upload-'))
  store = new LocalAssetStore(path.join(dir, 'store'))
})
afterAll(async () => dir && rm(dir, { recursive: true, force: true }))

async function encode(args: string[], ext: string): Promise<Buffer> {
  const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}.${ext}`)
  await run(bins.ffmpeg, ['-v', 'error', '-y', ...args, file])
  return readFile(file)
}
const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`]

/** An ID3v2.3 tag of `bodyBytes` (one padding frame of zeros), its size as four 7-bit bytes. */
function id3(bodyBytes: number): Buffer {
  const size = Buffer.from([(bodyBytes >> 21) & 0x7f, (bodyBytes >> 14) & 0x7f, (bodyBytes >> 7) & 0x7f, bodyBytes & 0x7f])
  return Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), size, Buffer.alloc(bodyBytes)])
}

/** The fake of issue 17: a text file behind an ID3 header. */
const fakeMp3 = () => Buffer.concat([id3(10), Buffer.from('Meeting notes, not a song. '.repeat(200))])

/** A request whose body arrives in chunks of `chunk` bytes, as a browser's upload does. */
function requestOf(bytes: Buffer, chunk = 64 * 1024): Request {
  let offset = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(new Uint8Array(bytes.subarray(offset, (offset += chunk))))
    },
  })
  return new Request('http://x/api/uploads', { method: 'POST', body, duplex: 'half' } as RequestInit)
}

async function storedFiles(): Promise<string[]> {
  return (await readdir(store.root, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

/** What the route does before the row: receive (sniff, stage), then probe the staged bytes; refused means discarded. */
async function check(bytes: Buffer) {
  const upload = await receiveUpload(requestOf(bytes), store)
  try {
    const facts = await probeAudioUpload(bins, await upload.staged.source(), upload.type)
    return { type: upload.type, facts }
  } finally {
    await upload.staged.discard()
  }
}

describe('sound uploads: WAV, MP3, AAC and M4A by their bytes', () => {
  it.each([
    ['WAV', () => encode(tone(2), 'wav'), 'audio/wav'],
    ['MP3 (frame sync first)', () => encode([...tone(2), '-c:a', 'libmp3lame', '-write_xing', '0', '-id3v2_version', '0'], 'mp3'), 'audio/mpeg'],
    ['MP3 behind an ID3v2 tag', () => encode([...tone(2), '-c:a', 'libmp3lame', '-id3v2_version', '3', '-metadata', 'title=Harbour'], 'mp3'), 'audio/mpeg'],
    ['AAC in ADTS frames', () => encode([...tone(2), '-c:a', 'aac', '-f', 'adts'], 'aac'), 'audio/aac'],
    ['M4A', () => encode([...tone(2), '-c:a', 'aac'], 'm4a'), 'audio/mp4'],
  ])('takes %s and measures it from its packets', async (_name, make, mimeType) => {
    const bytes = await make()
    const { type, facts } = await check(bytes)
    expect(type).toMatchObject({ kind: 'audio', mimeType, maxBytes: UPLOAD_LIMITS.audioBytes })
    // Encoders pad by a frame or two (an AAC frame is 21 ms, an MP3 frame 26 ms).
    expect(facts.durationMs).toBeGreaterThanOrEqual(1990)
    expect(facts.durationMs).toBeLessThan(2100)
    expect(await storedFiles()).toEqual([])
  })

  it('finds the frame sync after an ID3 tag larger than the head it keeps (cover art of 1.5 MB)', async () => {
    const mp3 = await encode([...tone(1), '-c:a', 'libmp3lame', '-id3v2_version', '0'], 'mp3')
    const bytes = Buffer.concat([id3(1.5 * 1024 * 1024), mp3])
    expect(sniffUpload(bytes.subarray(0, 1024 * 1024))).toBeUndefined()
    const { type } = await check(bytes)
    expect(type.mimeType).toBe('audio/mpeg')
  })

  // Issue 17: a text file with an ID3 header must be refused at upload, with nothing stored.
  it('refuses a fake MP3 (text behind an ID3 header) by its bytes, storing nothing', async () => {
    const err = await receiveUpload(requestOf(fakeMp3(), 100), store).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(/not a PNG, JPEG, WebP, MP4, MOV, WebM, WAV, MP3, AAC or M4A \(its bytes are an ID3 tag not followed by MP3 audio\)/) })
    expect(await storedFiles()).toEqual([])
    // A tag that runs past the end of the file has no audio after it either.
    const cut = await receiveUpload(requestOf(id3(5000).subarray(0, 3000)), store).catch((e: unknown) => e)
    expect(cut).toMatchObject({ code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(/an ID3 tag not followed by MP3 audio/) })
    expect(await storedFiles()).toEqual([])
  })

  it.each([
    [
      'an MP3 whose first frame is followed by garbage',
      async () => {
        const mp3 = await encode([...tone(3), '-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_xing', '0'], 'mp3')
        return Buffer.concat([mp3.subarray(0, 600), Buffer.from('garbage that is not audio '.repeat(2000))])
      },
      /The MP3 cannot be (read|decoded)/,
    ],
    [
      'an AAC whose first frames are followed by random bytes',
      async () => {
        const aac = await encode([...tone(3), '-c:a', 'aac', '-f', 'adts'], 'aac')
        // Deterministic noise: a linear congruential sequence.
        const noise = Buffer.alloc(40_000)
        for (let i = 0, x = 12345; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24
        return Buffer.concat([aac.subarray(0, 300), noise])
      },
      /The AAC cannot be (read|decoded)/,
    ],
    [
      'an M4A cut in half',
      async () => {
        const m4a = await encode([...tone(3), '-c:a', 'aac', '-movflags', '+faststart'], 'm4a')
        return m4a.subarray(0, m4a.length >> 1)
      },
      /The M4A cannot be read: it is truncated or damaged/,
    ],
    [
      'an M4A-branded file with only pictures in it',
      async () => {
        const mp4 = await encode(['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'], 'mp4')
        mp4.write('M4A ', 8, 'latin1')
        return mp4
      },
      /The M4A has no audio stream/,
    ],
  ])('refuses %s, storing nothing', async (_name, make, message) => {
    const err = await check(await make()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(message) })
    expect(await storedFiles()).toEqual([])
  })

  it(`refuses a sound longer than ${UPLOAD_LIMITS.audioMaxSeconds / 60} minutes, measured from its packets`, async () => {
    const long = await encode(['-f', 'lavfi', '-i', `sine=frequency=200:sample_rate=8000:duration=${UPLOAD_LIMITS.audioMaxSeconds + 5}`, '-c:a', 'libmp3lame', '-b:a', '8k'], 'mp3')
    const err = await check(long).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/sounds can be at most 10 minutes \(600 s\)/) })
    expect(await storedFiles()).toEqual([])
  })

  it('cuts off a sound past its byte limit as it streams', async () => {
    const wav = await encode(tone(1), 'wav')
    // A WAV header, then more bytes than a sound may have (never all of it is read).
    const huge = Buffer.concat([wav.subarray(0, 64), Buffer.alloc(UPLOAD_LIMITS.audioBytes + 1024 * 1024)])
    const err = await receiveUpload(requestOf(huge, 4 * 1024 * 1024), store).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/Sounds can be at most 100 MB; this WAV is larger/) })
    expect(await storedFiles()).toEqual([])
  })
})
