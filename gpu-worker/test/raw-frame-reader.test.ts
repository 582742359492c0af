import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { runFramePipeline } from '../src/engine/frame-pipeline'
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
})
