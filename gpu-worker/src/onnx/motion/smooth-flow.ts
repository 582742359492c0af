import type { TGraphOps } from '../graph-ops'

/**
 * A flow [1,2,h,w] averaged over 3×3 neighbourhoods, `passes` times. Lucas-Kanade sums its
 * equations over a window on the assumption that the window's vectors agree; started from a field
 * whose neighbours disagree (whole-pixel search picks on smooth texture), it stalls.
 */
export function smoothFlow(o: TGraphOps, flow: string, passes: number): string {
  for (let i = 0; i < passes; i++) flow = o.op('AveragePool', [flow], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 0 })
  return flow
}
