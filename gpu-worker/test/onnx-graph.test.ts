import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { buildCropResizeGraph } from '../src/onnx/build-crop-resize-graph'
import { ModelProto } from '../src/onnx/onnx-proto'

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
