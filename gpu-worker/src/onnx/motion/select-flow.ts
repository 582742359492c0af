import type { TLevelSize } from '../motion-levels'
import type { TGraphOps } from '../graph-ops'
import { sampleHalfway } from './sample-grid'

export interface TSelectFlowOptions {
  /** How far (pixels of this level) the neighbours whose vectors a pixel may borrow are. */
  reach: number
  /** Added to a candidate's cost per pixel of its length: ties go to the shorter vector. */
  lengthPenalty: number
}

export interface TFlowSelection {
  /** The chosen vectors [1,2,h,w]. */
  flow: string
  /** Their matching cost (mean absolute luma difference over 3×3) [1,1,h,w]. */
  cost: string
  /** Divergence of the neighbours' vectors, (right − left)x + (below − above)y [1,1,h,w]. */
  divergence: string
  /** The shortest of the neighbours' vectors [1,2,h,w]. */
  slowest: string
}

/**
 * Each level pixel picks, among no motion, its own vector and the vectors `reach` pixels left,
 * right, above and below it, the one whose halfway samples of `a` and `b` agree best (mean
 * absolute difference over 3×3). Borrowing settles the edges of moving objects, which the
 * coarser level's vectors spill across. No motion comes first, so a static area keeps it, and
 * an area nothing explains falls back to the plain blend.
 */
export function selectFlow(o: TGraphOps, a: string, b: string, flow: string, level: TLevelSize, options: TSelectFlowOptions): TFlowSelection {
  const { width, height } = level
  const { reach } = options
  const i64 = (values: number[]) => o.constant(values, [values.length], { int64: true })
  const scalar = (v: number) => o.constant([v], [])
  const padded = o.op('Pad', [flow, i64([0, 0, reach, reach, 0, 0, reach, reach])], { mode: 'edge' })
  const neighbour = (dx: number, dy: number) => o.op('Slice', [padded, i64([reach + dy, reach + dx]), i64([reach + dy + height, reach + dx + width]), i64([2, 3])])
  const [left, right, up, down] = [neighbour(-reach, 0), neighbour(reach, 0), neighbour(0, -reach), neighbour(0, reach)] as const
  // [1,K,2,h,w]
  const stack = (flows: string[]) => o.op('Reshape', [o.op('Concat', flows, { axis: 1 }), i64([1, flows.length, 2, height, width])])
  const candidates = stack([o.op('Mul', [flow, scalar(0)]), flow, left, right, up, down])
  const sampled = sampleHalfway(o, a, b, candidates, 6, level)
  const sad = o.op('Abs', [o.op('Sub', [sampled.a, sampled.b])])
  // [1,K,h,w]
  const costs = o.op('AveragePool', [sad], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 0 })
  const lengths = o.op('Sqrt', [o.op('ReduceSum', [o.op('Mul', [candidates, candidates]), i64([2])], { keepdims: 0 })])
  const total = o.op('Add', [costs, o.op('Mul', [lengths, scalar(options.lengthPenalty)])])
  const pick = (from: string, index: string) =>
    o.op('Reshape', [o.op('GatherElements', [from, o.op('Expand', [o.op('Unsqueeze', [index, i64([2])]), i64([1, 1, 2, height, width])])], { axis: 1 }), i64([1, 2, height, width])])
  const best = o.op('ArgMin', [total], { axis: 1, keepdims: 1 })
  const neighbourLengths = o.op('Slice', [lengths, i64([2]), i64([6]), i64([1])])
  const plane = (v: string, c: number) => o.op('Slice', [v, i64([c]), i64([c + 1]), i64([1])])
  const divergence = o.op('Add', [o.op('Sub', [plane(right, 0), plane(left, 0)]), o.op('Sub', [plane(down, 1), plane(up, 1)])])
  return {
    flow: pick(candidates, best),
    cost: o.op('GatherElements', [costs, best], { axis: 1 }),
    divergence,
    slowest: pick(stack([left, right, up, down]), o.op('ArgMin', [neighbourLengths], { axis: 1, keepdims: 1 })),
  }
}

