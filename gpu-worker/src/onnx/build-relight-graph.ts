import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'

export interface TFrameShape {
  width: number
  height: number
}

/**
 * Relight of a band of rows of a frame: `out = frame · gain + lift`, rounded and saturated to
 * uint8. Inputs: `frame` uint8 [1,rows,W,3]; `gain`, `lift` float [1,rows,W,3], the same rows of
 * full-size maps computed once per job (they fold the preset's tint, the key light's colour and its
 * falloff across the frame). `rows` is free: the transform runs a frame as a few bands (see
 * relight.ts) so the float intermediates stay in cache.
 *
 * Why this shape: measured on ORT 1.30 CPU at 720p, per-tensor DequantizeLinear → Mul → Add →
 * QuantizeLinear runs in ~8–15 ms, while broadcasting a [3] vector over NHWC costs ~25 ms for a
 * single Mul, per-axis (De)QuantizeLinear ~130 ms, and a 3×3 MatMul/Conv colour matrix 20–80 ms.
 * QuantizeLinear also does the rounding and the [0,255] saturation in the same pass. (QLinearMul
 * and QLinearAdd on uint8 maps run in ~1.3 ms but quantise the gain to 8 bits: up to 2 levels off.)
 */
export function buildRelightGraph({ width }: Pick<TFrameShape, 'width'>): Uint8Array {
  const shape = [1, 'rows', width, 3]
  return new OnnxGraphBuilder('relight')
    .input('frame', OnnxDataType.UINT8, shape)
    .input('gain', OnnxDataType.FLOAT, shape)
    .input('lift', OnnxDataType.FLOAT, shape)
    .constant('one', OnnxDataType.FLOAT, [], [1])
    .node('DequantizeLinear', ['frame', 'one'], ['x'])
    .node('Mul', ['x', 'gain'], ['lit'])
    .node('Add', ['lit', 'lift'], ['y'])
    .node('QuantizeLinear', ['y', 'one'], ['out'])
    .output('out', OnnxDataType.UINT8, shape)
    .toBytes()
}
