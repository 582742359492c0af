import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { buildCropResizeGraph } from '../src/onnx/build-crop-resize-graph'
import { ModelProto } from '../src/onnx/onnx-proto'
import { tmpdir } from 'node:os'
import { MediaEngine } from '../src/engine/MediaEngine'
import { restyleScalars, restyleStrips, restyleTransform } from '../src/engine/ops/restyle'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { buildRestyleGraph, RESTYLE_SCALARS } from '../src/onnx/build-restyle-graph'

describe('buildCropResizeGraph', () => {
  const shape = { inWidth: 8, inHeight: 4, outWidth: 7, outHeight: 4 }
  const plate = Uint8Array.from({ length: 8 * 4 * 3 }, (_, i) => i)

  it('encodes a ModelProto with the fields ONNX Runtime reads', () => {
    const model = ModelProto.toObject(ModelProto.decode(buildCropResizeGraph(shape)), { longs: Number }) as {
      ir_version: number
      opset_import: { version: number }[]
      graph: { node: { op_type: string }[]; input: { name: string }[]; output: { name: string }[] }
    }
    expect(model.ir_version).toBe(8)
    expect(model.opset_import[0]!.version).toBe(18)
    expect(model.graph.node.map((n) => n.op_type)).toEqual(['Resize'])
    expect(model.graph.input.map((i) => i.name)).toEqual(['plate', 'roi'])
    expect(model.graph.output.map((o) => o.name)).toEqual(['frame'])
  })

  it('runs on ONNX Runtime and samples between pixels', async () => {
    const session = await ort.InferenceSession.create(buildCropResizeGraph(shape))
    // Output pixel i samples input x = 0.5 + i: halfway between neighbours, rows unchanged.
    const result = await session.run({
      plate: new ort.Tensor('uint8', plate, [1, 4, 8, 3]),
      roi: new ort.Tensor('float32', new Float32Array([0, 0.5 / 7, 1, 6.5 / 7]), [4]),
    })
    const frame = result.frame!
    expect(frame.dims).toEqual([1, 4, 7, 3])
    expect(frame.type).toBe('uint8')
    const data = frame.data as Uint8Array
    // Red of input pixels 0 and 1 are 0 and 3: the sample lands in between.
    expect(data[0]).toBeGreaterThanOrEqual(1)
    expect(data[0]).toBeLessThanOrEqual(2)
    // Second row starts at input value 24 (+1.5).
    expect(data[7 * 3]).toBeGreaterThanOrEqual(25)
    expect(data[7 * 3]).toBeLessThanOrEqual(26)
    await session.release()
  })
})

describe('restyle in strips', () => {
  it('covers every row once and matches one whole-frame run', async () => {
    // 1000×700 runs as two strips; texture with edges everywhere so the halo matters.
    const width = 1000
    const height = 700
    const { rows, strips } = restyleStrips(height, width)
    expect(strips.length).toBeGreaterThan(1)
    expect(strips[0]!.from).toBe(0)
    expect(strips.at(-1)!.to).toBe(height)
    for (const [i, s] of strips.entries()) {
      if (i > 0) expect(s.from).toBe(strips[i - 1]!.to)
      expect(s.start + rows).toBeLessThanOrEqual(height)
    }
    const frame = new Uint8Array(width * height * 3)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) frame[(y * width + x) * 3 + c] = (((x >> 3) ^ (y >> 2)) & 1) * 180 + ((x * 7 + y * 13 + c * 50) % 60)
      }
    }
    const engine = new MediaEngine({ ffmpeg: resolveFfmpegPaths(), intraOpThreads: 1, workDir: tmpdir(), logger: { info: () => undefined, warn: () => undefined } })
    try {
      const params = { preset: 'film_noir', strength: 1 } as const
      const [striped] = await (await restyleTransform(engine, params, { width, height })).push(frame, 0)
      const whole = await ort.InferenceSession.create(buildRestyleGraph({ width, height }))
      const scalars = restyleScalars(params)
      const feeds: Record<string, ort.Tensor> = { frame: new ort.Tensor('uint8', frame, [1, height, width, 3]) }
      for (const name of RESTYLE_SCALARS) feeds[name] = new ort.Tensor('float32', Float32Array.of(scalars[name]), [1])
      // film_noir's vignette, as restyleTransform maps it.
      const vignette = new Float32Array(width * height)
      const rMax = Math.hypot(width / 2, height / 2)
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) vignette[y * width + x] = 1 - 0.55 * (Math.hypot(x + 0.5 - width / 2, y + 0.5 - height / 2) / rMax) ** 2
      }
      feeds.vignette = new ort.Tensor('float32', vignette, [1, 1, height, width])
      const expected = (await whole.run(feeds)).out!.data as Uint8Array
      await whole.release()
      let worst = 0
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - striped![i]!))
      // Same arithmetic per pixel: the same bytes.
      expect(worst).toBe(0)
    } finally {
      await engine.close()
    }
  })
})
