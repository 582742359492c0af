import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IsoBoxWalker } from '../lib/server/uploads/check-iso-boxes'
import type { TUploadType } from '../lib/server/uploads/sniff-upload'
import { withoutSource } from '../lib/server/uploads/without-source'

const require = createRequire(import.meta.url)
const FFMPEG = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path
const MP4: TUploadType = { kind: 'video', mimeType: 'video/mp4', label: 'MP4', maxBytes: 500 * 1024 * 1024 }

let dir: string
let clip: Buffer

/** The bytes pushed in pieces of `size` (a body arrives in chunks that split box headers anywhere). */
function walk(bytes: Buffer, size: number): () => void {
  const walker = new IsoBoxWalker()
  for (let i = 0; i < bytes.length; i += size) walker.push(bytes.subarray(i, i + size))
  return () => walker.finish(bytes.length, MP4)
}

/** A top-level box: a 32-bit size, its name, its payload. */
function box(name: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + payload.length)
  head.write(name, 4, 'latin1')
  return Buffer.concat([head, payload])
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'iso-walk-'))
  const file = path.join(dir, 'clip.mp4')
  await promisify(execFile)(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=12', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-y', file])
  clip = await readFile(file)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('IsoBoxWalker (the MP4 box walk on a streamed upload)', () => {
  it('passes a whole clip however its bytes are chunked', () => {
    for (const size of [1, 3, 7, 16, 1000, clip.length]) expect(walk(clip, size)).not.toThrow()
  })

  it('refuses a clip cut short, naming the box that runs past the end', () => {
    const half = clip.subarray(0, clip.length >> 1)
    for (const size of [5, 4096]) expect(walk(half, size)).toThrow(/The MP4 cannot be read: it is truncated or damaged \(box "(mdat|moov)" ends \d+ bytes past the end of the file\)/)
  })

  it('refuses a header cut off, an impossible size, and a file with no moov', () => {
    const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2', 'latin1'))
    expect(walk(Buffer.concat([ftyp, Buffer.from([0, 0, 0])]), 4)).toThrow(/a box header is cut off/)
    expect(walk(Buffer.concat([ftyp, Buffer.from([0, 0, 0, 4]), Buffer.from('free')]), 4)).toThrow(/box "free" has an impossible size/)
    expect(walk(Buffer.concat([ftyp, box('mdat', Buffer.alloc(100))]), 9)).toThrow(/moov atom not found/)
    // A 64-bit size, and a last box whose size 0 runs to the end.
    const large = Buffer.alloc(16)
    large.writeUInt32BE(1)
    large.write('mdat', 4, 'latin1')
    large.writeBigUInt64BE(16n + 32n, 8)
    const zero = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('free'), Buffer.alloc(50)])
    expect(walk(Buffer.concat([ftyp, box('moov', Buffer.alloc(10)), large, Buffer.alloc(32), zero]), 6)).not.toThrow()
    expect(walk(Buffer.concat([ftyp, box('moov', Buffer.alloc(10)), large, Buffer.alloc(31)]), 6)).toThrow(/box "mdat" ends 1 bytes past the end/)
  })
})

describe('withoutSource', () => {
  it("keeps ffmpeg's words and drops the input's name, a presigned URL included", () => {
    const url = 'http://127.0.0.1:9000/bucket/staging/abc?X-Amz-Signature=secret'
    expect(withoutSource(`${url}: Invalid data found when processing input`, url)).toBe('Invalid data found when processing input')
    expect(withoutSource(`could not open ${url}`, url)).toBe('could not open the file')
  })
})
