import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TCropResizeShape } from './build-crop-resize-graph'

/**
 * The camera-move frame on a yuv420p plate: the same crop-and-resize as buildCropResizeGraph,
 * once on the luma plane and once on each half-size chroma plane. Inputs `y` float [1,1,H,W],
 * `u`, `v` float [1,1,H/2,W/2] (converted once per render), `roiY`, `roiC` float [4]; outputs the
 * three planes as uint8 [1,1,h,w] (QuantizeLinear rounds and saturates).
 *
 * Why yuv: the frame then goes to x264 as it is. Measured on this 2-core machine for 120 720p
 * frames: x264 takes ~1.25 s from yuv420p against ~1.9–2.3 s from rgb24 (the RGB→YUV conversion
 * runs in the encoder's critical path), and the graph resamples half the bytes. Planes are float
 * rather than uint8 so that single-channel planes take ORT's plain NCHW bilinear path; the whole
 * frame measured within noise of the uint8 RGB graph on this machine (both ~10–15 ms under load).
 */
export function buildYuvCropResizeGraph(shape: TCropResizeShape): Uint8Array {
  const { inWidth, inHeight, outWidth, outHeight, antialias = true } = shape
  const attrs = {
    mode: 'linear',
    coordinate_transformation_mode: 'tf_crop_and_resize',
    axes: [2, 3],
    antialias: antialias ? 1 : 0,
    extrapolation_value: { float: 0 },
  }
  return new OnnxGraphBuilder('yuv_crop_resize')
    .input('y', OnnxDataType.FLOAT, [1, 1, inHeight, inWidth])
    .input('u', OnnxDataType.FLOAT, [1, 1, inHeight / 2, inWidth / 2])
    .input('v', OnnxDataType.FLOAT, [1, 1, inHeight / 2, inWidth / 2])
    .input('roiY', OnnxDataType.FLOAT, [4])
    .input('roiC', OnnxDataType.FLOAT, [4])
    .constant('one', OnnxDataType.FLOAT, [], [1])
    .constant('sizeY', OnnxDataType.INT64, [2], [outHeight, outWidth])
    .constant('sizeC', OnnxDataType.INT64, [2], [outHeight / 2, outWidth / 2])
    .node('Resize', ['y', 'roiY', '', 'sizeY'], ['fy'], attrs)
    .node('Resize', ['u', 'roiC', '', 'sizeC'], ['fu'], attrs)
    .node('Resize', ['v', 'roiC', '', 'sizeC'], ['fv'], attrs)
    .node('QuantizeLinear', ['fy', 'one'], ['outY'])
    .node('QuantizeLinear', ['fu', 'one'], ['outU'])
    .node('QuantizeLinear', ['fv', 'one'], ['outV'])
    .output('outY', OnnxDataType.UINT8, [1, 1, outHeight, outWidth])
    .output('outU', OnnxDataType.UINT8, [1, 1, outHeight / 2, outWidth / 2])
    .output('outV', OnnxDataType.UINT8, [1, 1, outHeight / 2, outWidth / 2])
    .toBytes()
}
