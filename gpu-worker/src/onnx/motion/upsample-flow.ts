import type { TLevelSize } from '../motion-levels'
import type { TGraphOps } from '../graph-ops'

/**
 * A flow [1,2,h,w] carried to the next finer level (each pixel to its 2×2 children, then cropped
 * to the finer level's size, which may be odd), its vectors doubled into that level's pixels.
 */
export function upsampleFlow(o: TGraphOps, flow: string, finer: TLevelSize): string {
  const doubled = o.op('Resize', [flow, '', o.constant([2, 2])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
    axes: [2, 3],
  })
  const i64 = (values: number[]) => o.constant(values, [values.length], { int64: true })
  const cropped = o.op('Slice', [doubled, i64([0, 0]), i64([finer.height, finer.width]), i64([2, 3])])
  return o.op('Mul', [cropped, o.constant([2], [])])
}
