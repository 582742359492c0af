import type { TGraphOps } from '../graph-ops'
import type { TFlowSelection } from './select-flow'

/** How a block is made: from both frames, or from one where the other cannot see it. */
export const BLOCK_SOURCE = { both: 0, a: 1, b: 2 } as const

export interface TBlockSourceOptions {
  /** A pixel whose best match costs more than this (mean absolute luma difference)… */
  occlusionCost: number
  /** …next to vectors parting or closing by more than this (level pixels) is occluded. */
  occlusionDivergence: number
}

/**
 * Where the in-between frame must take a block from one frame alone, and with which vector.
 * Returns `flow` [1,2,h,w] and `source` [1,1,h,w] (BLOCK_SOURCE values as floats).
 *
 * Averaging both frames is right only where both see the same surface. Next to a moving object,
 * the strip it uncovers (behind it) is visible only in `b` and the strip it covers (ahead of it)
 * only in `a`: no vector matches there, and averaging draws the object's ghost. So where the best
 * match is still poor and the neighbours' vectors part (positive divergence: uncovering) or close
 * (negative: covering), the block comes from `b` or `a` alone, moved by the slowest neighbour's
 * vector: the background's, for a camera that holds still while something crosses the frame; for
 * a pan, a vector between the two surfaces still samples background in the frame that sees it.
 */
export function blockSources(o: TGraphOps, selection: TFlowSelection, options: TBlockSourceOptions): { flow: string; source: string } {
  const scalar = (v: number) => o.constant([v], [])
  const { cost, divergence, flow, slowest } = selection
  const occluded = o.op('And', [
    o.op('Greater', [cost, scalar(options.occlusionCost)]),
    o.op('Greater', [o.op('Abs', [divergence]), scalar(options.occlusionDivergence)]),
  ])
  const oneFrame = o.op('Where', [o.op('Greater', [divergence, scalar(0)]), scalar(BLOCK_SOURCE.b), scalar(BLOCK_SOURCE.a)])
  return {
    flow: o.op('Where', [occluded, slowest, flow]),
    source: o.op('Where', [occluded, oneFrame, scalar(BLOCK_SOURCE.both)]),
  }
}
