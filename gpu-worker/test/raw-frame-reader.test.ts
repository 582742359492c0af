import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { runFramePipeline } from '../src/engine/frame-pipeline'
import { FramePool } from '../src/ffmpeg/FramePool'
import { RawFrameReader } from '../src/ffmpeg/RawFrameReader'
import { runProcess } from '../src/ffmpeg/run-process'
import { paths } from './helpers'

const W = 64
const H = 36
const FRAME = W * H * 3
const testsrc = (frames: number) => ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=24`, '-frames:v', String(frames)]
const reader = (args: string[]) => new RawFrameReader({ ffmpeg: paths.ffmpeg, args, pixFmt: 'rgb24', width: W, height: H })
const leftoverPipes = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('frames-'))

describe('RawFrameReader', () => {
  it('hands out exactly the bytes ffmpeg decodes, frame by frame, and leaves no named pipe behind', async () => {
    const before = await leftoverPipes()
    const { stdout } = await runProcess(paths.ffmpeg, [...testsrc(30), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
    const frames: Uint8Array[] = []
    for await (const frame of reader(testsrc(30))) frames.push(frame)
    expect(frames).toHaveLength(30)
    frames.forEach((frame, i) => expect(Buffer.from(frame).equals(stdout.subarray(i * FRAME, (i + 1) * FRAME))).toBe(true))
    expect(await leftoverPipes()).toEqual(before)
  })

  it('ends with no frames when ffmpeg writes none, and fails with ffmpeg\'s own message when it cannot decode', async () => {
    const none: Uint8Array[] = []
    for await (const frame of reader(testsrc(0))) none.push(frame)
    expect(none).toHaveLength(0)
    const frames = reader(['-v', 'error', '-i', '/nonexistent/clip.mp4'])
    await expect(async () => {
      for await (const _ of frames) void _
    }).rejects.toThrow(/No such file or directory/)
  })

  it('refills a frame handed back, and only once it is handed back', async () => {
    const { stdout } = await runProcess(paths.ffmpeg, [...testsrc(12), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
    const source = reader(testsrc(12))
    const seen = new Set<ArrayBufferLike>()
    const copies: Buffer[] = []
    const written = await runFramePipeline({
      source,
      transform: {
        releasesInput: true,
        async push(frame) {
          seen.add(frame.buffer)
          return [Buffer.from(frame)]
        },
      },
      sink: async (frame) => void copies.push(Buffer.from(frame)),
    })
    expect(written).toBe(12)
    // A few buffers in turn (the prefetch and the frames in flight), not one per frame.
    expect(seen.size).toBeLessThan(8)
    // Every frame reached its transform whole: a buffer refilled too early would show another frame's bytes.
    copies.forEach((copy, i) => expect(copy.equals(stdout.subarray(i * FRAME, (i + 1) * FRAME))).toBe(true))
  })

  it('fills the frames of a pool it is given, and a reader stopped early gives back every frame it still held', async () => {
    const made: Uint8Array[] = []
    const pool = new FramePool(FRAME, Infinity, (bytes) => {
      const frame = new Uint8Array(bytes)
      made.push(frame)
      return frame
    })
    const first = new RawFrameReader({ ffmpeg: paths.ffmpeg, args: testsrc(30), pixFmt: 'rgb24', width: W, height: H, frames: pool })
    let taken = 0
    for await (const frame of first) {
      expect(made).toContain(frame)
      if (++taken === 2) break
    }
    // The two frames handed out are the consumer's; whatever else the reader had made is back in the pool.
    const held = made.length - 2
    expect(held).toBeGreaterThan(0)
    const again = Array.from({ length: held }, () => pool.take())
    expect(new Set(again).size).toBe(held)
    again.forEach((frame) => expect(made).toContain(frame))
    expect(() => new RawFrameReader({ ffmpeg: paths.ffmpeg, args: testsrc(1), pixFmt: 'rgba', width: W, height: H, frames: pool })).toThrow(/pool of 6912-byte frames for 9216-byte rgba/)
  })

  it('a pool takes back only a frame it lent, once', () => {
    const pool = new FramePool(16)
    const lent = pool.take()
    pool.give(new Uint8Array(16))
    pool.give(lent)
    pool.give(lent)
    const [a, b] = [pool.take(), pool.take()]
    expect(a).toBe(lent)
    expect(b).not.toBe(lent)
  })
})
