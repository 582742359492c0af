import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'

/** Scalar float [1] inputs of the composite graph (set by ops/composite.ts). */
export const COMPOSITE_SCALARS = [
  /** Key chroma (Cb, Cr, centred on 0, in 0..255 units). */
  'keyCb',
  'keyCr',
  /** Key alpha = clip(chromaDistance·keyA + keyB, 0, 1); keyA = 0, keyB = 1 turns keying off. */
  'keyA',
  'keyB',
  /** How far the foreground's mean colour is pulled toward the environment's (0..1). */
  'match',
] as const
export type TCompositeScalar = (typeof COMPOSITE_SCALARS)[number]

/**
 * A foreground over an environment plate, relit to match it. Inputs: `fg` uint8 [1,H,W,4] (RGBA;
 * alpha 255 where the source has none), `bg` uint8 [1,H,W,3]; output uint8 [1,H,W,3].
 *
 * alpha = fg alpha × chroma key; the foreground's colour is scaled per channel by
 * 1 + match·(mean(bg) / mean(fg under alpha) − 1), clamped to [0.5, 2] so a dark plate dims a
 * product without crushing it; then out = bg + alpha·(fg' − bg). NCHW float for the same reason
 * as the restyle graph.
 */
export function buildCompositeGraph({ width, height }: TFrameShape): Uint8Array {
  const g = new OnnxGraphBuilder('composite')
    .input('fg', OnnxDataType.UINT8, [1, height, width, 4])
    .input('bg', OnnxDataType.UINT8, [1, height, width, 3])
  for (const name of COMPOSITE_SCALARS) g.input(name, OnnxDataType.FLOAT, [1])
  g.constant('zero', OnnxDataType.FLOAT, [], [0])
    .constant('one', OnnxDataType.FLOAT, [], [1])
    .constant('inv255', OnnxDataType.FLOAT, [], [1 / 255])
    .constant('eps', OnnxDataType.FLOAT, [], [1e-3])
    .constant('gainLo', OnnxDataType.FLOAT, [], [0.5])
    .constant('gainHi', OnnxDataType.FLOAT, [], [2])
    .constant('axis1', OnnxDataType.INT64, [1], [1])
    .constant('axesHW', OnnxDataType.INT64, [2], [2, 3])
    .constant('rgbStart', OnnxDataType.INT64, [1], [0])
    .constant('rgbEnd', OnnxDataType.INT64, [1], [3])
    .constant('alphaEnd', OnnxDataType.INT64, [1], [4])
    .constant('split3', OnnxDataType.INT64, [3], [1, 1, 1])
    .constant('cbR', OnnxDataType.FLOAT, [], [-0.168736])
    .constant('cbG', OnnxDataType.FLOAT, [], [-0.331264])
    .constant('cbB', OnnxDataType.FLOAT, [], [0.5])
    .constant('crR', OnnxDataType.FLOAT, [], [0.5])
    .constant('crG', OnnxDataType.FLOAT, [], [-0.418688])
    .constant('crB', OnnxDataType.FLOAT, [], [-0.081312])
    .node('Cast', ['fg'], ['fgNhwc'], { to: OnnxDataType.FLOAT })
    .node('Transpose', ['fgNhwc'], ['fgAll'], { perm: [0, 3, 1, 2] })
    .node('Slice', ['fgAll', 'rgbStart', 'rgbEnd', 'axis1'], ['rgb'])
    .node('Slice', ['fgAll', 'rgbEnd', 'alphaEnd', 'axis1'], ['alpha255'])
    .node('Mul', ['alpha255', 'inv255'], ['srcAlpha'])
    // chroma key
    // Cb and Cr from the planes: ReduceSum over the channel axis measured ~10× slower here.
    .node('Split', ['rgb', 'split3'], ['pR', 'pG', 'pB'], { axis: 1 })
    .node('Mul', ['pR', 'cbR'], ['cb1'])
    .node('Mul', ['pG', 'cbG'], ['cb2'])
    .node('Mul', ['pB', 'cbB'], ['cb3'])
    .node('Sum', ['cb1', 'cb2', 'cb3'], ['cb'])
    .node('Mul', ['pR', 'crR'], ['cr1'])
    .node('Mul', ['pG', 'crG'], ['cr2'])
    .node('Mul', ['pB', 'crB'], ['cr3'])
    .node('Sum', ['cr1', 'cr2', 'cr3'], ['cr'])
    .node('Sub', ['cb', 'keyCb'], ['dCb'])
    .node('Sub', ['cr', 'keyCr'], ['dCr'])
    .node('Mul', ['dCb', 'dCb'], ['dCb2'])
    .node('Mul', ['dCr', 'dCr'], ['dCr2'])
    .node('Add', ['dCb2', 'dCr2'], ['d2'])
    .node('Sqrt', ['d2'], ['dist'])
    .node('Mul', ['dist', 'keyA'], ['k1'])
    .node('Add', ['k1', 'keyB'], ['k2'])
    .node('Clip', ['k2', 'zero', 'one'], ['keyAlpha'])
    .node('Mul', ['srcAlpha', 'keyAlpha'], ['alpha'])
    // colour match: mean foreground colour under alpha against the plate's mean
    .node('Mul', ['rgb', 'alpha'], ['rgbA'])
    .node('ReduceSum', ['rgbA', 'axesHW'], ['sumRgbA'], { keepdims: 1 })
    .node('ReduceSum', ['alpha', 'axesHW'], ['sumA'], { keepdims: 1 })
    .node('Add', ['sumA', 'eps'], ['sumAe'])
    .node('Div', ['sumRgbA', 'sumAe'], ['meanFg'])
    .node('Cast', ['bg'], ['bgNhwc'], { to: OnnxDataType.FLOAT })
    .node('Transpose', ['bgNhwc'], ['bgc'], { perm: [0, 3, 1, 2] })
    .node('ReduceMean', ['bgc', 'axesHW'], ['meanBg'], { keepdims: 1 })
    .node('Add', ['meanFg', 'one'], ['meanFg1'])
    .node('Add', ['meanBg', 'one'], ['meanBg1'])
    .node('Div', ['meanBg1', 'meanFg1'], ['ratio'])
    .node('Sub', ['ratio', 'one'], ['r1'])
    .node('Mul', ['r1', 'match'], ['r2'])
    .node('Add', ['r2', 'one'], ['gainRaw'])
    .node('Clip', ['gainRaw', 'gainLo', 'gainHi'], ['gain'])
    .node('Mul', ['rgb', 'gain'], ['fgLit'])
    // over
    .node('Sub', ['fgLit', 'bgc'], ['diff'])
    .node('Mul', ['diff', 'alpha'], ['diffA'])
    .node('Add', ['bgc', 'diffA'], ['comp'])
    .node('Transpose', ['comp'], ['compNhwc'], { perm: [0, 2, 3, 1] })
    .node('QuantizeLinear', ['compNhwc', 'one'], ['out'])
    .output('out', OnnxDataType.UINT8, [1, height, width, 3])
  return g.toBytes()
}
