import type { TLevelSize } from '../motion-levels'
import type { TGraphOps } from '../graph-ops'

/**
 * GridSample's normalised coordinates (align_corners = 0) of every pixel centre of a level,
 * [1,1,h,w,2] (x then y).
 */
export function pixelCentreGrid(o: TGraphOps, { width, height }: TLevelSize): string {
  const values: number[] = []
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values.push((2 * x + 1) / width - 1, (2 * y + 1) / height - 1)
  return o.constant(values, [1, 1, height, width, 2])
}

/**
 * Samples `a` at p − v/2 and `b` at p + v/2 for each of K candidate vectors per pixel
 * (`candidates` [1,K,2,h,w], in this level's pixels); returns both [1,K,h,w] (bilinear, edges
 * clamped). This is the symmetric matching of frame interpolation: the vector is
 * anchored on the in-between frame, so every output pixel has one.
 *
 * Flows are kept as planes ([…,2,h,w]) and only turned into GridSample's interleaved grid here:
 * ORT broadcasts a per-plane scalar over a plane at full speed, but a [2] vector over an
 * interleaved last axis takes its slow path (~4 ms for a 720p level-2 candidate set).
 */
export function sampleHalfway(
  o: TGraphOps,
  a: string,
  b: string,
  candidates: string,
  count: number,
  level: TLevelSize,
): { a: string; b: string } {
  const { width, height } = level
  const grid = pixelCentreGrid(o, level)
  // v/2 in normalised units is v · (1/w, 1/h).
  const scaled = o.op('Mul', [candidates, o.constant([1 / width, 1 / height], [1, 1, 2, 1, 1])])
  const half = o.op('Transpose', [scaled], { perm: [0, 1, 3, 4, 2] })
  const flat = o.constant([1, count * height, width, 2], [4], { int64: true })
  const sampled = o.constant([1, count, height, width], [4], { int64: true })
  const sample = (image: string, g: string) =>
    o.op('Reshape', [o.op('GridSample', [image, o.op('Reshape', [g, flat])], { mode: 'bilinear', padding_mode: 'border', align_corners: 0 }), sampled])
  return { a: sample(a, o.op('Sub', [grid, half])), b: sample(b, o.op('Add', [grid, half])) }
}
