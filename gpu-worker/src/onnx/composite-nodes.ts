import { OnnxDataType } from './onnx-proto'
import type { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'

/**
 * The composite's node groups, shared by its three graphs (whole frame, foreground only, over
 * only): a still foreground is keyed once per job and only the over runs per frame.
 *
 * Everything between the uint8 NHWC inputs and output runs on contiguous float [H,W] planes, one
 * per channel, so every broadcast is of a scalar over a plane. Measured on ORT 1.30 CPU at 720p:
 * an elementwise op over a [H,W] plane takes ~0.5 ms, while the same op over [1,H,W,1] (the NHWC
 * layout ORT's transpose optimizer turned the earlier NCHW graph into) or one broadcasting
 * [1,H,W,1] or [3] over [1,H,W,3] takes 9–18 ms: that was ~100 of the old graph's ~130 ms a frame.
 * The layout changes are uint8 Split and Concat on the channel axis (~1 ms each), which the
 * transpose optimizer leaves alone. Most of what remains (~25 ms a 720p frame for the whole
 * chroma-key graph) is first touches of the ~8 frame-sized buffers a run allocates fresh, since
 * sessions run without ORT's memory arena (OnnxSessionCache); with the arena it measured ~15 ms.
 */

export const RGB = ['R', 'G', 'B'] as const

/** Scalar float [1] inputs of the chroma key (absent from the graphs of an alpha key). */
export const CHROMA_KEY_SCALARS = [
  /** Key chroma (Cb, Cr, centred on 0, in 0..255 units). */
  'keyCb',
  'keyCr',
  /** Key alpha = clip(chromaDistance·keyA + keyB, 0, 1). */
  'keyA',
  'keyB',
] as const
export type TChromaKeyScalar = (typeof CHROMA_KEY_SCALARS)[number]

/**
 * What the foreground group hands the over group, all float: the foreground's colour planes
 * premultiplied by its alpha (`fgR`, `fgG`, `fgB`, [H,W]), the plate's share of each pixel
 * (`fgClear` = 1 − alpha, [H,W]), and the sums the colour match needs (`fgSumR/G/B` = Σ colour·alpha,
 * `fgSumA` = Σ alpha, scalars).
 */
export const KEYED_FOREGROUND = ['fgR', 'fgG', 'fgB', 'fgClear', 'fgSumR', 'fgSumG', 'fgSumB', 'fgSumA'] as const

export interface TCompositeGraphOptions {
  /** Key out a colour (the CHROMA_KEY_SCALARS inputs) on top of the foreground's own alpha. */
  chroma: boolean
}

/** The constants both groups use; added once per graph, before them (each group adds its own). */
export function addCompositeConstants(g: OnnxGraphBuilder, { width, height }: TFrameShape): OnnxGraphBuilder {
  return g.constant('one', OnnxDataType.FLOAT, [], [1]).constant('planeShape', OnnxDataType.INT64, [2], [height, width])
}

/** uint8 [1,H,W,C] input → C uint8 [H,W] planes named `${prefix}${suffix}`. */
function splitPlanes(g: OnnxGraphBuilder, input: string, prefix: string, suffixes: readonly string[]): string[] {
  const nhwc = suffixes.map((s) => `${prefix}${s}Nhwc`)
  g.node('Split', [input], nhwc, { axis: 3, num_outputs: suffixes.length })
  return suffixes.map((s, i) => {
    g.node('Reshape', [nhwc[i]!, 'planeShape'], [`${prefix}${s}`])
    return `${prefix}${s}`
  })
}

/**
 * `fg` uint8 [1,H,W,4] (RGBA; alpha 255 where the source has none) → KEYED_FOREGROUND.
 * alpha = fg alpha × (chroma key: clip(|CbCr − key|·keyA + keyB, 0, 1)).
 */
export function addForegroundNodes(g: OnnxGraphBuilder, { chroma }: TCompositeGraphOptions): OnnxGraphBuilder {
  const [r8, g8, b8, a8] = splitPlanes(g, 'fg', 'fg8', [...RGB, 'A'])
  // Cast, not DequantizeLinear: ORT gives a DequantizeLinear with several consumers a copy per
  // consumer (its QDQ node-unit rule), which here ran each plane's conversion three times.
  for (const [plane, name] of [[r8, 'fgRawR'], [g8, 'fgRawG'], [b8, 'fgRawB'], [a8, 'fgRawA']] as const) {
    g.node('Cast', [plane!], [name], { to: OnnxDataType.FLOAT })
  }
  g.constant('inv255', OnnxDataType.FLOAT, [], [1 / 255]).node('Mul', ['fgRawA', 'inv255'], ['srcAlpha'])
  let alpha = 'srcAlpha'
  if (chroma) {
    // Cb and Cr (BT.601, centred) from the planes; their distance to the key's.
    const weights = { Cb: [-0.168736, -0.331264, 0.5], Cr: [0.5, -0.418688, -0.081312] }
    g.constant('zero', OnnxDataType.FLOAT, [], [0])
    for (const [axis, w] of Object.entries(weights)) {
      RGB.forEach((c, i) => g.constant(`${axis}${c}`, OnnxDataType.FLOAT, [], [w[i]!]).node('Mul', [`fgRaw${c}`, `${axis}${c}`], [`${axis}${c}Part`]))
      // Two Adds, not one three-input Sum: ORT's Sum took ~3.7 ms a 720p plane here, an Add ~0.2 ms.
      g.node('Add', [`${axis}RPart`, `${axis}GPart`], [`${axis}RG`])
        .node('Add', [`${axis}RG`, `${axis}BPart`], [axis])
        .node('Sub', [axis, `key${axis}`], [`d${axis}`])
        .node('Mul', [`d${axis}`, `d${axis}`], [`d${axis}2`])
    }
    g.node('Add', ['dCb2', 'dCr2'], ['d2'])
      .node('Sqrt', ['d2'], ['dist'])
      .node('Mul', ['dist', 'keyA'], ['k1'])
      .node('Add', ['k1', 'keyB'], ['k2'])
      .node('Clip', ['k2', 'zero', 'one'], ['keyAlpha'])
      .node('Mul', ['srcAlpha', 'keyAlpha'], ['alpha'])
    alpha = 'alpha'
  }
  for (const c of RGB) {
    g.node('Mul', [`fgRaw${c}`, alpha], [`fg${c}`]).node('ReduceSum', [`fg${c}`], [`fgSum${c}`], { keepdims: 0 })
  }
  return g.node('ReduceSum', [alpha], ['fgSumA'], { keepdims: 0 }).node('Sub', ['one', alpha], ['fgClear'])
}

/**
 * KEYED_FOREGROUND over `bg` uint8 [1,H,W,3], relit to match it → `out` uint8 [1,H,W,3].
 * Per channel: gain = clip(1 + match·((mean(bg) + 1) / (mean(fg under alpha) + 1) − 1), 0.5, 2),
 * so a dark plate dims a product without crushing it; out = bg·(1 − alpha) + gain·fg·alpha.
 * `match` is a float [1] input (0..1).
 */
export function addOverNodes(g: OnnxGraphBuilder, { width, height }: TFrameShape): OnnxGraphBuilder {
  splitPlanes(g, 'bg', 'bg8', RGB)
  g.constant('eps', OnnxDataType.FLOAT, [], [1e-3])
    .constant('gainLo', OnnxDataType.FLOAT, [], [0.5])
    .constant('gainHi', OnnxDataType.FLOAT, [], [2])
    .constant('pixelShape', OnnxDataType.INT64, [4], [1, height, width, 1])
    .node('Add', ['fgSumA', 'eps'], ['fgSumAe'])
  for (const c of RGB) {
    g.node('Cast', [`bg8${c}`], [`bg${c}`], { to: OnnxDataType.FLOAT })
      .node('ReduceMean', [`bg${c}`], [`meanBg${c}`], { keepdims: 0 })
      .node('Div', [`fgSum${c}`, 'fgSumAe'], [`meanFg${c}`])
      .node('Add', [`meanBg${c}`, 'one'], [`meanBg1${c}`])
      .node('Add', [`meanFg${c}`, 'one'], [`meanFg1${c}`])
      .node('Div', [`meanBg1${c}`, `meanFg1${c}`], [`ratio${c}`])
      .node('Sub', [`ratio${c}`, 'one'], [`ratio1${c}`])
      .node('Mul', [`ratio1${c}`, 'match'], [`gainPart${c}`])
      .node('Add', [`gainPart${c}`, 'one'], [`gainRaw${c}`])
      .node('Clip', [`gainRaw${c}`, 'gainLo', 'gainHi'], [`gain${c}`])
      .node('Mul', [`bg${c}`, 'fgClear'], [`bgShown${c}`])
      .node('Mul', [`fg${c}`, `gain${c}`], [`fgLit${c}`])
      .node('Add', [`bgShown${c}`, `fgLit${c}`], [`comp${c}`])
      .node('QuantizeLinear', [`comp${c}`, 'one'], [`comp8${c}`])
      .node('Reshape', [`comp8${c}`, 'pixelShape'], [`comp8${c}Nhwc`])
  }
  return g.node('Concat', RGB.map((c) => `comp8${c}Nhwc`), ['out'], { axis: 3 })
}
