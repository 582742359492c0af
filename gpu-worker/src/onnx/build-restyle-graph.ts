import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'

/** The scalar knobs of the restyle graph, each a float [1] input; presets set them (ops/restyle.ts). */
export const RESTYLE_SCALARS = [
  /** Edge-preserving smoothing: detail kept = clip(|detail|·coreA + coreB, 0, 1). */
  'coreA',
  'coreB',
  /** Saturation multiplier around the luma (0 = grey). */
  'sat',
  /** Contrast S-curve: (sigmoid(v·ck + cb) − c0)·cs. */
  'ck',
  'cb',
  'c0',
  'cs',
  /** Soft posterize: v − qa·sin(v·qf); continuous, so a slow change never jumps a band. */
  'qf',
  'qa',
  /** Ink lines: 1 − inkAmt·clip((|∇L| − inkLo)·inkGain, 0, 1). */
  'inkLo',
  'inkGain',
  'inkAmt',
  /** Final affine (paper lift for watercolor) and the mix with the source. */
  'outA',
  'outB',
  'strength',
] as const
export type TRestyleScalar = (typeof RESTYLE_SCALARS)[number]

/**
 * One graph for every stylization preset: the presets differ only in the scalar inputs, so one
 * session per frame size serves them all. Input `frame` uint8 [1,H,W,3] and `vignette` float
 * [1,1,H,W] (a per-job map; ones for no vignette); output uint8 [1,H,W,3].
 *
 * Every step is a continuous function of the pixels (no hard thresholds, no noise), which is what
 * keeps it stable from frame to frame: a static region renders to the same bytes, and a moving
 * one changes as much as its source does. Smoothing is base + cored detail, the base a 4× pooled,
 * blurred and bilinearly re-expanded copy: measured ~1 ms for the pool and ~3 ms for the
 * re-expansion at 720p, where a full-size 5×5 AveragePool costs ~30 ms. Work runs in NCHW float
 * because per-channel broadcasts over NHWC's last axis take ORT's slow path (~25 ms a Mul).
 */
export function buildRestyleGraph({ width, height }: TFrameShape): Uint8Array {
  const g = new OnnxGraphBuilder('restyle')
    .input('frame', OnnxDataType.UINT8, [1, height, width, 3])
    .input('vignette', OnnxDataType.FLOAT, [1, 1, height, width])
  for (const name of RESTYLE_SCALARS) g.input(name, OnnxDataType.FLOAT, [1])
  g.constant('zero', OnnxDataType.FLOAT, [], [0])
    .constant('one', OnnxDataType.FLOAT, [], [1])
    .constant('split3', OnnxDataType.INT64, [3], [1, 1, 1])
    .constant('split2', OnnxDataType.INT64, [2], [1, 1])
    .constant('wR', OnnxDataType.FLOAT, [], [0.299])
    .constant('wG', OnnxDataType.FLOAT, [], [0.587])
    .constant('wB', OnnxDataType.FLOAT, [], [0.114])
    .constant('sobel', OnnxDataType.FLOAT, [2, 1, 3, 3], [-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1])
    // uint8 NHWC → float NCHW
    .node('Cast', ['frame'], ['xNhwc'], { to: OnnxDataType.FLOAT })
    .node('Transpose', ['xNhwc'], ['x'], { perm: [0, 3, 1, 2] })
    // edge-preserving smoothing
    .node('AveragePool', ['x'], ['blurH'], { kernel_shape: [1, 5], pads: [0, 2, 0, 2], count_include_pad: 0 })
    .node('AveragePool', ['blurH'], ['base'], { kernel_shape: [5, 1], pads: [2, 0, 2, 0], count_include_pad: 0 })
    .node('Sub', ['x', 'base'], ['detail'])
    .node('Abs', ['detail'], ['detailAbs'])
    .node('Mul', ['detailAbs', 'coreA'], ['core1'])
    .node('Add', ['core1', 'coreB'], ['core2'])
    .node('Clip', ['core2', 'zero', 'one'], ['keep'])
    .node('Mul', ['detail', 'keep'], ['kept'])
    .node('Add', ['base', 'kept'], ['smooth'])
    // saturation around the luma
    // Luma from the three planes: ReduceSum over the channel axis measured ~10× slower here.
    .node('Split', ['smooth', 'split3'], ['sR', 'sG', 'sB'], { axis: 1 })
    .node('Mul', ['sR', 'wR'], ['lR'])
    .node('Mul', ['sG', 'wG'], ['lG'])
    .node('Mul', ['sB', 'wB'], ['lB'])
    .node('Sum', ['lR', 'lG', 'lB'], ['luma'])
    .node('Sub', ['smooth', 'luma'], ['chroma'])
    .node('Mul', ['chroma', 'sat'], ['chromaS'])
    .node('Add', ['luma', 'chromaS'], ['colour'])
    // contrast curve
    .node('Mul', ['colour', 'ck'], ['cv1'])
    .node('Add', ['cv1', 'cb'], ['cv2'])
    .node('Sigmoid', ['cv2'], ['cv3'])
    .node('Sub', ['cv3', 'c0'], ['cv4'])
    .node('Mul', ['cv4', 'cs'], ['curved'])
    // soft posterize
    .node('Mul', ['curved', 'qf'], ['q1'])
    .node('Sin', ['q1'], ['q2'])
    .node('Mul', ['q2', 'qa'], ['q3'])
    .node('Sub', ['curved', 'q3'], ['posterized'])
    // ink lines from the smoothed luma, so texture does not ink
    .node('Conv', ['luma', 'sobel'], ['grad'], { pads: [1, 1, 1, 1] })
    .node('Abs', ['grad'], ['gradAbs'])
    .node('Split', ['gradAbs', 'split2'], ['gxAbs', 'gyAbs'], { axis: 1 })
    .node('Add', ['gxAbs', 'gyAbs'], ['edge'])
    .node('Sub', ['edge', 'inkLo'], ['ink1'])
    .node('Mul', ['ink1', 'inkGain'], ['ink2'])
    .node('Clip', ['ink2', 'zero', 'one'], ['ink3'])
    .node('Mul', ['ink3', 'inkAmt'], ['ink4'])
    .node('Sub', ['one', 'ink4'], ['ink'])
    .node('Mul', ['posterized', 'ink'], ['inked'])
    .node('Mul', ['inked', 'vignette'], ['vignetted'])
    .node('Mul', ['vignetted', 'outA'], ['o1'])
    .node('Add', ['o1', 'outB'], ['styled'])
    // mix with the source by strength
    .node('Sub', ['styled', 'x'], ['delta'])
    .node('Mul', ['delta', 'strength'], ['deltaS'])
    .node('Add', ['x', 'deltaS'], ['mixed'])
    // back to uint8 NHWC; QuantizeLinear rounds and saturates to [0,255]
    .node('Transpose', ['mixed'], ['mixedNhwc'], { perm: [0, 2, 3, 1] })
    .node('QuantizeLinear', ['mixedNhwc', 'one'], ['out'])
    .output('out', OnnxDataType.UINT8, [1, height, width, 3])
  return g.toBytes()
}
