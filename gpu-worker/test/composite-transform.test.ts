import type { TCompositeParams } from '@montage/core'
import type * as ort from 'onnxruntime-node'
import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { MediaEngine } from '../src/engine/MediaEngine'
import { runFramePipeline } from '../src/engine/frame-pipeline'
import { compositeGraphTransform, compositeTransform, type TCompositeFrame } from '../src/engine/ops/composite'
import { paths } from './helpers'

const W = 64
const H = 36

/** The engine, counting each graph's runs by the first part of its session key. */
class CountingEngine extends MediaEngine {
  readonly runs: Record<string, number> = {}

  override async session(key: string, build: () => Uint8Array): Promise<ort.InferenceSession> {
    const session = await super.session(key, build)
    const graph = key.split(':')[0]!
    return new Proxy(session, {
      get: (target, prop) => {
        if (prop !== 'run') return Reflect.get(target, prop) as unknown
        return (feeds: ort.InferenceSession.FeedsType) => {
          this.runs[graph] = (this.runs[graph] ?? 0) + 1
          return target.run(feeds)
        }
      },
    })
  }
}

const engines: MediaEngine[] = []
afterAll(async () => Promise.all(engines.map((e) => e.close())))
function countingEngine(): CountingEngine {
  const engine = new CountingEngine({ ffmpeg: paths, workDir: tmpdir(), intraOpThreads: 1, logger: { info: () => undefined, warn: () => undefined } })
  engines.push(engine)
  return engine
}

/** A deterministic pseudo-random byte stream. */
function bytes(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) >>> 0
    return s >>> 24
  }
}

/** A noisy grey subject on a green screen, with a soft alpha edge, different for each seed. */
function foreground(seed: number): Uint8Array {
  const next = bytes(seed)
  const fg = new Uint8Array(W * H * 4)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = Math.hypot(x - W / 2 - (seed % 5), y - H / 2) - 10
      const screen = d > 0
      const o = (y * W + x) * 4
      fg.set(screen ? [next() >> 4, 230 + (next() >> 4), next() >> 4] : [90 + (next() >> 2), 100 + (next() >> 2), 110 + (next() >> 2)], o)
      fg[o + 3] = Math.round(255 * Math.min(1, Math.max(0, (16 - Math.abs(x - W / 2)) / 4)) * (next() > 8 ? 1 : 0.5))
    }
  }
  return fg
}

function plate(seed: number): Uint8Array {
  const next = bytes(seed)
  return Uint8Array.from({ length: W * H * 3 }, (_, i) => [180, 110, 40][i % 3]! + (next() >> 3))
}

/** The composite as its graphs document it, in float64. */
function reference({ fg, bg }: TCompositeFrame, p: TCompositeParams): Uint8Array {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))
  const cb = (r: number, g: number, b: number) => -0.168736 * r - 0.331264 * g + 0.5 * b
  const cr = (r: number, g: number, b: number) => 0.5 * r - 0.418688 * g - 0.081312 * b
  const [kr, kg, kb] = [1, 3, 5].map((o) => parseInt(p.keyColor.slice(o, o + 2), 16)) as [number, number, number]
  const keyA = 1 / Math.max(1, p.softness * 128)
  const keyB = -p.similarity * 128 * keyA
  const alpha = new Float64Array(W * H)
  const sumFg = [0, 0, 0]
  const sumBg = [0, 0, 0]
  let sumA = 0
  for (let i = 0; i < W * H; i++) {
    const [r, g, b] = [fg[i * 4]!, fg[i * 4 + 1]!, fg[i * 4 + 2]!]
    const key = p.key === 'chroma' ? clamp(Math.hypot(cb(r, g, b) - cb(kr, kg, kb), cr(r, g, b) - cr(kr, kg, kb)) * keyA + keyB, 0, 1) : 1
    alpha[i] = (fg[i * 4 + 3]! / 255) * key
    sumA += alpha[i]!
    for (let c = 0; c < 3; c++) {
      sumFg[c]! += fg[i * 4 + c]! * alpha[i]!
      sumBg[c]! += bg[i * 3 + c]!
    }
  }
  const gain = [0, 1, 2].map((c) => clamp(1 + p.match * ((sumBg[c]! / (W * H) + 1) / (sumFg[c]! / (sumA + 1e-3) + 1) - 1), 0.5, 2))
  const out = new Uint8Array(W * H * 3)
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = clamp(Math.round(bg[i * 3 + c]! * (1 - alpha[i]!) + gain[c]! * fg[i * 4 + c]! * alpha[i]!), 0, 255)
  }
  return out
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

const params = (key: 'alpha' | 'chroma'): TCompositeParams => ({ key, keyColor: '#00ff00', similarity: 0.25, softness: 0.1, match: 0.6 })

describe('compositeTransform (our kernel, on CPU)', () => {
  it.each(['alpha', 'chroma'] as const)('%s: keys a still foreground once and matches the documented composite every frame', async (key) => {
    const engine = countingEngine()
    const transform = await compositeTransform(engine, params(key), { width: W, height: H })
    // A still source repeats the very same buffer (openSource); the plate here is a clip.
    const fg = foreground(1)
    const frames = [plate(1), plate(2), plate(3)].map((bg) => ({ fg, bg }))
    const outputs = await Promise.all(frames.map((frame, i) => transform.push(frame, i)))
    transform.close?.()
    // Bug: the foreground's key and colour statistics were recomputed for every frame of a still.
    expect(transform.keyings).toBe(1)
    // No ONNX graph runs on CPU.
    expect(engine.runs).toEqual({})
    frames.forEach((frame, i) => expect(maxDifference(outputs[i]![0]!, reference(frame, params(key)))).toBeLessThanOrEqual(1))
  })

  it.each(['alpha', 'chroma'] as const)('%s: a moving foreground over a still plate matches the documented composite every frame', async (key) => {
    const transform = await compositeTransform(countingEngine(), params(key), { width: W, height: H })
    const bg = plate(1)
    const frames = [foreground(1), foreground(2), foreground(3), foreground(4)].map((fg) => ({ fg, bg }))
    const outputs = await Promise.all(frames.map((frame, i) => transform.push(frame, i)))
    transform.close?.()
    expect(transform.keyings).toBe(4)
    frames.forEach((frame, i) => expect(maxDifference(outputs[i]![0]!, reference(frame, params(key)))).toBeLessThanOrEqual(1))
  })

  it('a foreground clip and a plate clip read from frames made in the kernel\'s memory, refilled as they come back: every frame matches', async () => {
    const transform = await compositeTransform(countingEngine(), params('chroma'), { width: W, height: H })
    const pools = transform.inputFrames!
    const frames = Array.from({ length: 10 }, (_, i) => ({ fg: foreground(20 + i), bg: plate(20 + i) }))
    const made = new Set<Uint8Array>()
    const source = Object.assign(
      (async function* () {
        for (const { fg, bg } of frames) {
          const frame = { fg: pools.fg!.take(), bg: pools.bg!.take() }
          frame.fg.set(fg)
          frame.bg.set(bg)
          made.add(frame.fg).add(frame.bg)
          yield frame
        }
      })(),
      {
        recycle: ({ fg, bg }: TCompositeFrame) => {
          pools.fg!.give(fg)
          pools.bg!.give(bg)
        },
      },
    )
    let worst = 0
    await runFramePipeline({ source, transform, sinkReleases: true, sink: async (out, i) => void (worst = Math.max(worst, maxDifference(out, reference(frames[i]!, params('chroma'))))) })
    expect(worst).toBeLessThanOrEqual(1)
    expect(transform.keyings).toBe(frames.length)
    expect(made.size).toBeLessThan(frames.length)
  })

  it('a still foreground in the kernel\'s memory over plates from its memory and the heap in turn: keyed once, every frame matches', async () => {
    const transform = await compositeTransform(countingEngine(), params('chroma'), { width: W, height: H })
    const pools = transform.inputFrames!
    const fg = pools.fg!.take()
    fg.set(foreground(3))
    // Plates read in place and plates copied into a slot, in turn: both ways into the kernel find
    // the foreground the first call keyed.
    const plates = Array.from({ length: 8 }, (_, i) => plate(40 + i))
    const frames = plates.map((bg, i) => {
      if (i % 2 === 1) return { fg, bg }
      const shared = pools.bg!.take()
      shared.set(bg)
      return { fg, bg: shared }
    })
    const outputs = await Promise.all(frames.map((frame, i) => transform.push(frame, i)))
    transform.close?.()
    expect(transform.keyings).toBe(1)
    outputs.forEach(([out], i) => expect(maxDifference(out!, reference({ fg: foreground(3), bg: plates[i]! }, params('chroma')))).toBeLessThanOrEqual(1))
  })

  it('a 720p frame: the same picture as the ONNX graphs, to a level', async () => {
    const engine = countingEngine()
    const shape = { width: 1280, height: 720 }
    const next = bytes(7)
    // Left half a noisy green screen, right half noise with any alpha: the key's edge, soft alpha and both sides.
    const fg = new Uint8Array(shape.width * shape.height * 4)
    for (let p = 0; p < shape.width * shape.height; p++) {
      fg.set(p % shape.width < shape.width / 2 ? [next() >> 4, 230 + (next() >> 4), next() >> 4, 255] : [next(), next(), next(), next()], p * 4)
    }
    const bg = Uint8Array.from({ length: shape.width * shape.height * 3 }, () => next())
    const kernel = await compositeTransform(engine, params('chroma'), shape)
    const graphs = await compositeGraphTransform(engine, params('chroma'), shape)
    const [[ours], [theirs]] = await Promise.all([kernel.push({ fg, bg }, 0), graphs.push({ fg, bg }, 0)])
    kernel.close?.()
    expect(maxDifference(ours!, theirs!)).toBeLessThanOrEqual(1)
  })
})

describe('compositeGraphTransform (the CUDA path)', () => {
  it.each(['alpha', 'chroma'] as const)('%s: keys a still foreground once and matches the documented composite every frame', async (key) => {
    const engine = countingEngine()
    const transform = await compositeGraphTransform(engine, params(key), { width: W, height: H })
    const fg = foreground(1)
    const frames = [plate(1), plate(2), plate(3)].map((bg) => ({ fg, bg }))
    const outputs = await Promise.all(frames.map((frame, i) => transform.push(frame, i)))
    expect(engine.runs).toEqual({ composite_foreground: 1, composite_over: 3 })
    expect(transform.keyings).toBe(1)
    frames.forEach((frame, i) => expect(maxDifference(outputs[i]![0]!, reference(frame, params(key)))).toBeLessThanOrEqual(1))
  })

  it.each(['alpha', 'chroma'] as const)('%s: a moving foreground over a still plate matches the documented composite every frame', async (key) => {
    const engine = countingEngine()
    const transform = await compositeGraphTransform(engine, params(key), { width: W, height: H })
    const bg = plate(1)
    const frames = [foreground(1), foreground(2), foreground(3), foreground(4)].map((fg) => ({ fg, bg }))
    const outputs = await Promise.all(frames.map((frame, i) => transform.push(frame, i)))
    expect(engine.runs.composite_foreground ?? 0).toBeLessThanOrEqual(1)
    frames.forEach((frame, i) => expect(maxDifference(outputs[i]![0]!, reference(frame, params(key)))).toBeLessThanOrEqual(1))
  })
})
