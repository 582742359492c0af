import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { MediaEngine } from '../src/engine/MediaEngine'
import { runFramePipeline } from '../src/engine/frame-pipeline'
import { upscaleTransform } from '../src/engine/ops/upscale'
import { RawFrameReader } from '../src/ffmpeg/RawFrameReader'
import { runProcess } from '../src/ffmpeg/run-process'
import { paths } from './helpers'

const engine = new MediaEngine({ ffmpeg: paths, workDir: tmpdir(), intraOpThreads: 1, logger: { info: () => undefined, warn: () => undefined } })
afterAll(() => engine.close())

const W = 160
const H = 90
const FRAMES = 16
const testsrc = ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=24`, '-frames:v', String(FRAMES)]

describe('upscaleTransform', () => {
  it('in a pipeline that hands frames back on both sides, every frame is ffmpeg\'s own 2× of its source, and a few buffers are reused', async () => {
    // The same scale, run by ffmpeg straight from the source: the bytes each output must have.
    const { stdout: expected } = await runProcess(paths.ffmpeg, [...testsrc, '-vf', `format=rgb24,scale=${W * 2}:${H * 2}:flags=bicubic:param0=0:param1=0.5`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
    const transform = await upscaleTransform(engine, 2, { width: W, height: H })
    const source = new RawFrameReader({ ffmpeg: paths.ffmpeg, args: testsrc, pixFmt: 'rgb24', width: W, height: H })
    const outputs = new Set<Uint8Array>()
    const mismatched: number[] = []
    const out = W * H * 12
    const written = await runFramePipeline({
      source,
      transform,
      sinkReleases: true,
      sink: async (frame, i) => {
        outputs.add(frame)
        if (!Buffer.from(frame).equals(expected.subarray(i * out, (i + 1) * out))) mismatched.push(i)
      },
    })
    expect(written).toBe(FRAMES)
    expect(mismatched).toEqual([])
    expect(outputs.size).toBeLessThan(FRAMES / 2)
  })
})
