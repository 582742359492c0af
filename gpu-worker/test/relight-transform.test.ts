import type { TRelightParams } from '@montage/core'
import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { MediaEngine } from '../src/engine/MediaEngine'
import { runFramePipeline } from '../src/engine/frame-pipeline'
import { RELIGHT_BAND_PIXELS, relightMaps, relightTransform } from '../src/engine/ops/relight'
import { paths } from './helpers'

const engine = new MediaEngine({ ffmpeg: paths, workDir: tmpdir(), intraOpThreads: 1, logger: { info: () => undefined, warn: () => undefined } })
afterAll(() => engine.close())

// Wide enough that a frame runs as several bands, the last one shorter than the others.
const W = 1000
const H = 600

function frame(seed: number): Uint8Array {
  let s = seed
  const out = new Uint8Array(W * H * 3)
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    out[i] = s >>> 24
  }
  return out
}

/** The documented relight, in plain arithmetic: out = round(frame · gain + lift), saturated. */
function reference(input: Uint8Array, params: TRelightParams): Uint8Array {
  const { gain, lift } = relightMaps(params, { width: W, height: H })
  return Uint8Array.from(input, (v, i) => Math.min(255, Math.max(0, Math.round(v * gain[i]! + lift[i]!))))
}

describe('relightTransform', () => {
  it.each([
    { preset: 'golden_hour', direction: 135, intensity: 0.8 },
    { preset: 'night', direction: 0, intensity: 1 },
    { preset: 'overcast', direction: 270, intensity: 0.5 },
  ] as TRelightParams[])('$preset: every pixel of every frame matches frame · gain + lift', async (params) => {
    expect(H % Math.floor(RELIGHT_BAND_PIXELS / W)).not.toBe(0)
    const transform = await relightTransform(engine, params, { width: W, height: H })
    const frames = [frame(1), frame(2), frame(3)]
    // Pushed without waiting, as the frame pipeline does: frames overlap in inference. Each output is
    // checked once all three are out: one refilled by a later frame would show that frame's pixels.
    const outputs = await Promise.all(frames.map((f, i) => transform.push(f, i)))
    frames.forEach((f, i) => {
      const expected = reference(f, params)
      const got = outputs[i]![0]!
      expect(got.length).toBe(expected.length)
      let worst = 0
      for (let j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j]! - expected[j]!))
      expect(worst).toBeLessThanOrEqual(1)
    })
  })

  it('in a pipeline whose sink lets go of its frames, refills a few output buffers, and every frame is still whole', async () => {
    const params = { preset: 'golden_hour', direction: 135, intensity: 0.8 } as TRelightParams
    const transform = await relightTransform(engine, params, { width: W, height: H })
    const inputs = Array.from({ length: 10 }, (_, i) => frame(10 + i))
    async function* source() {
      yield* inputs
    }
    const buffers = new Set<Uint8Array>()
    let worst = 0
    await runFramePipeline({
      source: source(),
      transform,
      sinkReleases: true,
      sink: async (out, i) => {
        buffers.add(out)
        const expected = reference(inputs[i]!, params)
        for (let j = 0; j < out.length; j++) worst = Math.max(worst, Math.abs(out[j]! - expected[j]!))
      },
    })
    expect(worst).toBeLessThanOrEqual(1)
    expect(buffers.size).toBeLessThan(inputs.length)
  })

  it('reads frames made in its kernel\'s memory where they are: each is refilled only once its frame is done, and every output is whole', async () => {
    const params = { preset: 'night', direction: 0, intensity: 1 } as TRelightParams
    const transform = await relightTransform(engine, params, { width: W, height: H })
    const pool = transform.inputFrames!
    const inputs = Array.from({ length: 12 }, (_, i) => frame(30 + i))
    // A source like RawFrameReader: it fills frames taken from the pool, and takes them back.
    const filled = new Set<Uint8Array>()
    const source = Object.assign(
      (async function* () {
        for (const input of inputs) {
          const f = pool.take()
          f.set(input)
          filled.add(f)
          yield f
        }
      })(),
      { recycle: (f: Uint8Array) => pool.give(f) },
    )
    let worst = 0
    const outputs = new Set<Uint8Array>()
    await runFramePipeline({
      source,
      transform,
      sinkReleases: true,
      sink: async (out, i) => {
        outputs.add(out)
        const expected = reference(inputs[i]!, params)
        for (let j = 0; j < out.length; j++) worst = Math.max(worst, Math.abs(out[j]! - expected[j]!))
      },
    })
    expect(worst).toBeLessThanOrEqual(1)
    // A few frames in turn on both sides, not one per frame.
    expect(filled.size).toBeLessThan(inputs.length / 2)
    expect(outputs.size).toBeLessThan(inputs.length / 2)
  })
})
