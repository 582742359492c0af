import { motionLevels } from './motion-levels'
import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'

/**
 * The luma pyramid motion search runs on, computed once per frame (each frame is the second
 * frame of one pair and the first of the next). Input `frame` uint8 [1,H,W,3]; outputs `l2` and
 * `l3`, float [1,1,h,w] luma (0–255) at the sizes of `motionLevels`.
 *
 * Level 2 is two exact 2× linear downsamples of the uint8 frame (each a 2×2 box mean, so together
 * a 4×4 one, ~3 ms at 720p; a single antialiased 4× Resize costs ~6 ms and an unfiltered
 * one aliases fine texture into false matches). Level 3 is the 2×2 mean of level 2.
 */
export function buildLumaPyramidGraph(shape: TFrameShape): Uint8Array {
  const { padded, l2, l3 } = motionLevels(shape)
  const g = new OnnxGraphBuilder('luma_pyramid')
    .input('frame', OnnxDataType.UINT8, [1, shape.height, shape.width, 3])
    .constant('pads', OnnxDataType.INT64, [8], [0, 0, 0, 0, 0, padded.height - shape.height, padded.width - shape.width, 0])
    .constant('halfSize', OnnxDataType.INT64, [2], [l2.height * 2, l2.width * 2])
    .constant('l2Size', OnnxDataType.INT64, [2], [l2.height, l2.width])
    .constant('lumaWeights', OnnxDataType.FLOAT, [3, 1], [0.299, 0.587, 0.114])
    .constant('l2Shape', OnnxDataType.INT64, [4], [1, 1, l2.height, l2.width])
  g.node('Pad', ['frame', 'pads'], ['padded'], { mode: 'edge' })
    .node('Resize', ['padded', '', '', 'halfSize'], ['half'], { mode: 'linear', axes: [1, 2] })
    .node('Resize', ['half', '', '', 'l2Size'], ['quarter'], { mode: 'linear', axes: [1, 2] })
    .node('Cast', ['quarter'], ['quarterF'], { to: OnnxDataType.FLOAT })
    .node('MatMul', ['quarterF', 'lumaWeights'], ['lumaNhwc'])
    .node('Reshape', ['lumaNhwc', 'l2Shape'], ['l2'])
    .node('AveragePool', ['l2'], ['l3'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })
  for (const [name, level] of [['l2', l2], ['l3', l3]] as const) g.output(name, OnnxDataType.FLOAT, [1, 1, level.height, level.width])
  return g.toBytes()
}
