import type { TLevelSize } from '../motion-levels'
import type { TGraphOps } from '../graph-ops'
import { sampleHalfway } from './sample-grid'

export interface TLucasKanadeOptions {
  /** Side of the square window whose pixels share one update (odd). */
  window: number
  /** Added to both diagonal terms: where the window has little texture the update shrinks to 0. */
  damping: number
  /** Largest update per axis, in this level's pixels. */
  maxStep: number
}

/**
 * One Gauss-Newton (Lucas-Kanade) update of a flow [1,2,h,w], symmetric about the in-between
 * frame: with wa = a(p − v/2), wb = b(p + v/2) and g the mean of their gradients,
 * wa − wb ≈ g·dv, solved in least squares over each window. Returns the updated flow.
 */
export function lucasKanadeStep(o: TGraphOps, a: string, b: string, flow: string, level: TLevelSize, { window, damping, maxStep }: TLucasKanadeOptions): string {
  const i64 = (values: number[]) => o.constant(values, [values.length], { int64: true })
  const candidates = o.op('Reshape', [flow, i64([1, 1, 2, level.height, level.width])])
  const sampled = sampleHalfway(o, a, b, candidates, 1, level)
  const error = o.op('Sub', [sampled.a, sampled.b])
  const sum = o.op('Pad', [o.op('Add', [sampled.a, sampled.b]), i64([0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'edge' })
  // Central differences of (wa + wb), halved twice (difference over 2 px, mean of two images).
  const kernels = o.constant([0, 0, 0, -0.25, 0, 0.25, 0, 0, 0, 0, -0.25, 0, 0, 0, 0, 0, 0.25, 0], [2, 1, 3, 3])
  const gradient = o.op('Conv', [sum, kernels])
  const split = (x: string, n: number) => Array.from({ length: n }, (_, i) => o.op('Slice', [x, i64([i]), i64([i + 1]), i64([1])]))
  const [gx, gy] = split(gradient, 2) as [string, string]
  const products = o.op('Concat', [o.op('Mul', [gx, gx]), o.op('Mul', [gy, gy]), o.op('Mul', [gx, gy]), o.op('Mul', [gx, error]), o.op('Mul', [gy, error])], { axis: 1 })
  const r = (window - 1) / 2
  const sums = o.op('AveragePool', [products], { kernel_shape: [window, window], pads: [r, r, r, r], count_include_pad: 0 })
  const [sxx0, syy0, sxy, sxe, sye] = split(sums, 5) as [string, string, string, string, string]
  const d = o.constant([damping], [])
  const sxx = o.op('Add', [sxx0, d])
  const syy = o.op('Add', [syy0, d])
  const det = o.op('Sub', [o.op('Mul', [sxx, syy]), o.op('Mul', [sxy, sxy])])
  const dx = o.op('Div', [o.op('Sub', [o.op('Mul', [syy, sxe]), o.op('Mul', [sxy, sye])]), det])
  const dy = o.op('Div', [o.op('Sub', [o.op('Mul', [sxx, sye]), o.op('Mul', [sxy, sxe])]), det])
  const step = o.op('Clip', [o.op('Concat', [dx, dy], { axis: 1 }), o.constant([-maxStep], []), o.constant([maxStep], [])])
  return o.op('Add', [flow, step])
}
