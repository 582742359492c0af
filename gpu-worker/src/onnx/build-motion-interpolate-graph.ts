import { blockWarp } from './motion/block-warp'
import { blockSources } from './motion/block-sources'
import { coarseSearch } from './motion/coarse-search'
import { lucasKanadeStep } from './motion/lucas-kanade-step'
import { selectFlow } from './motion/select-flow'
import { smoothFlow } from './motion/smooth-flow'
import { upsampleFlow } from './motion/upsample-flow'
import { graphOps } from './graph-ops'
import { motionLevels, type TLevelSize } from './motion-levels'
import { OnnxDataType } from './onnx-proto'
import { OnnxGraphBuilder } from './OnnxGraphBuilder'
import type { TFrameShape } from './build-relight-graph'

/**
 * The knobs of motion-compensated interpolation. The defaults were chosen by measuring synthetic
 * clips with known motion (objects over textured backgrounds, pans, 16–40 px a frame) against
 * their true in-between frames.
 */
export interface TMotionInterpolateTuning {
  /** Exhaustive search radius on level 3 (8 px): 5 covers motion up to 40 px a frame. */
  searchRadius: number
  /** See coarseSearch. */
  searchLengthPenalty: number
  searchWindow: number
  /** 3×3 mean passes over the searched vectors before refining them. */
  searchSmoothing: number
  /** Lucas-Kanade updates on levels 3 and 2 (see lucasKanadeStep for the window and damping). */
  refineIterations: [number, number]
  refineWindow: number
  refineDamping: number
  /** Level-2 pixels to the neighbours whose vectors a pixel may borrow (3 = 12 px). */
  selectReach: number
  /** See selectFlow. */
  selectLengthPenalty: number
  /** Selection passes: each borrows from the previous pass's (sharper) field. */
  selectPasses: number
  /** See blockSources. */
  occlusionCost: number
  occlusionDivergence: number
}

export const DEFAULT_MOTION_INTERPOLATE_TUNING: TMotionInterpolateTuning = {
  searchRadius: 5,
  searchLengthPenalty: 0.5,
  searchWindow: 5,
  searchSmoothing: 2,
  refineIterations: [1, 2],
  refineWindow: 7,
  refineDamping: 1,
  selectReach: 3,
  selectLengthPenalty: 0.1,
  selectPasses: 2,
  occlusionCost: 4,
  occlusionDivergence: 2,
}

export interface TMotionInterpolateOptions {
  tuning?: Partial<TMotionInterpolateTuning>
  /** Also output `flow`, the level-2 vectors the blocks moved by (float [1,2,h2,w2], full-size pixels), and their `source` ([1,1,h2,w2], BLOCK_SOURCE). */
  withFlow?: boolean
}

/**
 * The frame halfway between `a` and `b` (uint8 [1,H,W,3]), moved along the motion between them.
 * Also takes both frames' luma pyramids (`a2`, `a3`, `b2`, `b3`, from buildLumaPyramidGraph).
 * Every vector is symmetric, anchored on the in-between frame: a(p − v/2) meets b(p + v/2).
 *
 * 1. Level 3 (÷8): exhaustive block matching over ±searchRadius (coarseSearch), smoothed.
 * 2. Lucas-Kanade updates on level 3, then on level 2 (÷4): sub-pixel vectors.
 * 3. Level 2: each 4×4 block chooses no motion, its vector or a neighbour's (selectFlow), and
 *    where nothing matches at a motion edge, takes one frame alone (blockSources).
 * 4. Full size: each block averages `a` moved back and `b` moved forward (blockWarp).
 *
 * Static areas keep no motion, where the result is exactly the plain blend (a + b) / 2, so they
 * cannot flicker; where no vector explains the frames (new content, changes of light), no motion
 * is what matches least badly, so those areas fall back to the plain blend too.
 *
 * Cost at 720p on one CPU thread: ~70–80 ms a pair (measured with ORT's profiler: ~25 ms of
 * GridSample, ~20 ms building the warp's table of shifted frames, ~10 ms for the search).
 */
export function buildMotionInterpolateGraph(shape: TFrameShape, options: TMotionInterpolateOptions = {}): Uint8Array {
  const tuning = { ...DEFAULT_MOTION_INTERPOLATE_TUNING, ...options.tuning }
  const levels = motionLevels(shape)
  const { padded, l2, l3 } = levels
  const g = new OnnxGraphBuilder('motion_interpolate')
    .input('a', OnnxDataType.UINT8, [1, shape.height, shape.width, 3])
    .input('b', OnnxDataType.UINT8, [1, shape.height, shape.width, 3])
  for (const [name, level] of [['2', l2], ['3', l3]] as const) {
    g.input(`a${name}`, OnnxDataType.FLOAT, [1, 1, level.height, level.width]).input(`b${name}`, OnnxDataType.FLOAT, [1, 1, level.height, level.width])
  }
  const o = graphOps(g, 'mi')
  const lk = { window: tuning.refineWindow, damping: tuning.refineDamping, maxStep: 1 }
  const refine = (flow: string, a: string, b: string, level: TLevelSize, iterations: number) => {
    for (let i = 0; i < iterations; i++) flow = lucasKanadeStep(o, a, b, flow, level, lk)
    return flow
  }
  const [lk3, lk2] = tuning.refineIterations
  const searched = coarseSearch(o, 'a3', 'b3', l3, { radius: tuning.searchRadius, lengthPenalty: tuning.searchLengthPenalty, window: tuning.searchWindow })
  const flow3 = refine(smoothFlow(o, searched, tuning.searchSmoothing), 'a3', 'b3', l3, lk3)
  const flow2 = refine(upsampleFlow(o, flow3, l2), 'a2', 'b2', l2, lk2)
  const selectOptions = { reach: tuning.selectReach, lengthPenalty: tuning.selectLengthPenalty }
  let selection = selectFlow(o, 'a2', 'b2', flow2, l2, selectOptions)
  for (let i = 1; i < tuning.selectPasses; i++) selection = selectFlow(o, 'a2', 'b2', selection.flow, l2, selectOptions)
  const selected = blockSources(o, selection, { occlusionCost: tuning.occlusionCost, occlusionDivergence: tuning.occlusionDivergence })
  const needsPad = padded.width !== shape.width || padded.height !== shape.height
  const pads = needsPad ? o.constant([0, 0, 0, 0, 0, padded.height - shape.height, padded.width - shape.width, 0], [8], { int64: true }) : ''
  const pad = (frame: string) => (needsPad ? o.op('Pad', [frame, pads], { mode: 'edge' }) : frame)
  const mid = blockWarp(o, pad('a'), pad('b'), selected.flow, selected.source, levels)
  const out = needsPad
    ? o.op('Slice', [mid, o.constant([0, 0], [2], { int64: true }), o.constant([shape.height, shape.width], [2], { int64: true }), o.constant([1, 2], [2], { int64: true })])
    : mid
  g.node('Identity', [out], ['out']).output('out', OnnxDataType.UINT8, [1, shape.height, shape.width, 3])
  if (options.withFlow) {
    g.node('Mul', [selected.flow, o.constant([4], [])], ['flow']).output('flow', OnnxDataType.FLOAT, [1, 2, l2.height, l2.width])
    g.node('Identity', [selected.source], ['source']).output('source', OnnxDataType.FLOAT, [1, 1, l2.height, l2.width])
  }
  return g.toBytes()
}
