import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'

/**
 * Upscales uint8 [1,H,W,3] by `factor` with a bicubic Resize (a = -0.5, the Catmull-Rom-like
 * kernel closest to lanczos), on uint8 NHWC: the layout where ORT's Resize is fastest.
 */
export function buildUpscaleGraph({ width, height }: TFrameShape, factor: number): Uint8Array {
  return new OnnxGraphBuilder('upscale')
    .input('frame', OnnxDataType.UINT8, [1, height, width, 3])
    .constant('sizes', OnnxDataType.INT64, [2], [height * factor, width * factor])
    .node('Resize', ['frame', '', '', 'sizes'], ['out'], {
      mode: 'cubic',
      cubic_coeff_a: { float: -0.5 },
      coordinate_transformation_mode: 'half_pixel',
      axes: [1, 2],
    })
    .output('out', OnnxDataType.UINT8, [1, height * factor, width * factor, 3])
    .toBytes()
}
