import type { TLevelSize } from '../motion-levels'
import type { TGraphOps } from '../graph-ops'

export interface TCoarseSearchOptions {
  /** Vectors tried: every integer (x, y) with |x|, |y| ≤ radius, in this level's pixels. */
  radius: number
  /** Added to a candidate's cost per pixel of its length, so flat or ambiguous areas stay still. */
  lengthPenalty: number
  /** Side of the square neighbourhood whose costs are summed (odd). */
  window: number
}

/**
 * Exhaustive block matching on the coarsest level: for every vector v in the window, the mean
 * absolute difference of `a` at p − v/2 and `b` at p + v/2 over a neighbourhood; each pixel
 * takes the cheapest, refined to a fraction of a pixel. Returns [1,2,h,w] (x, y planes).
 *
 * The shifts are Slices of edge-padded images (the whole search costs ~5–10 ms at 720p for 121
 * vectors; as many GridSamples would cost several times that); half-pixel shifts slice a copy
 * pooled over 2 pixels, i.e. sampled halfway between them, so every candidate compares exactly
 * symmetric positions (rounding v/2 instead misjudged slow motion by up to a pixel of the level).
 * Candidates run from short to long, so ties (ArgMin keeps the first) go to the shorter vector.
 */
export function coarseSearch(o: TGraphOps, a: string, b: string, level: TLevelSize, { radius, lengthPenalty, window }: TCoarseSearchOptions): string {
  const { width, height } = level
  const pad = Math.ceil(radius / 2) + 1
  const pads = o.constant([0, 0, pad, pad, 0, 0, pad, pad], [8], { int64: true })
  const axes = o.constant([2, 3], [2], { int64: true })
  const images = { a: o.op('Pad', [a, pads], { mode: 'edge' }), b: o.op('Pad', [b, pads], { mode: 'edge' }) }
  const cache = new Map<string, string>()
  const memo = (key: string, make: () => string) => cache.get(key) ?? (cache.set(key, make()), cache.get(key)!)
  /** The padded image pooled to sample (x + hx/2, y + hy/2) at (x, y). */
  const halfShifted = (image: 'a' | 'b', hx: number, hy: number) =>
    memo(`${image}:${hx}:${hy}`, () => (hx || hy ? o.op('AveragePool', [images[image]], { kernel_shape: [1 + hy, 1 + hx] }) : images[image]))
  /** The image sampled at p + (dx, dy), half-pixel offsets allowed. */
  const shifted = (image: 'a' | 'b', dx: number, dy: number) =>
    memo(`${image}@${dx}:${dy}`, () => {
      const [fx, fy] = [Math.floor(dx), Math.floor(dy)]
      const source = halfShifted(image, dx === fx ? 0 : 1, dy === fy ? 0 : 1)
      const starts = o.constant([pad + fy, pad + fx], [2], { int64: true })
      const ends = o.constant([pad + fy + height, pad + fx + width], [2], { int64: true })
      return o.op('Slice', [source, starts, ends, axes])
    })
  const vectors: [number, number][] = []
  for (let y = -radius; y <= radius; y++) for (let x = -radius; x <= radius; x++) vectors.push([x, y])
  vectors.sort(([x1, y1], [x2, y2]) => x1 * x1 + y1 * y1 - (x2 * x2 + y2 * y2) || y1 - y2 || x1 - x2)
  const costs = vectors.map(([x, y]) => o.op('Abs', [o.op('Sub', [shifted('a', -x / 2, -y / 2), shifted('b', x / 2, y / 2)])]))
  const volume = o.op('Concat', costs, { axis: 1 })
  const r = (window - 1) / 2
  const pooled = o.op('AveragePool', [volume], { kernel_shape: [window, window], pads: [r, r, r, r], count_include_pad: 0 })
  const penalties = o.constant(vectors.map(([x, y]) => lengthPenalty * Math.hypot(x, y)), [1, vectors.length, 1, 1])
  const total = o.op('Add', [pooled, penalties])
  const best = o.op('ArgMin', [total], { axis: 1, keepdims: 1 })
  const table = (axis: 0 | 1) => o.constant(vectors.map((v) => v[axis]), [vectors.length])
  // Sub-pixel: an equiangular (V-shaped) fit through the best cost and its neighbours' on each
  // axis, which suits absolute differences better than a parabola. At the window's edge a
  // missing neighbour is the vector itself, which leans the fit half a pixel outward.
  const indexOf = new Map(vectors.map(([x, y], i) => [`${x}:${y}`, i]))
  const neighbourTable = (dx: number, dy: number) =>
    o.constant(vectors.map(([x, y]) => indexOf.get(`${x + dx}:${y + dy}`) ?? indexOf.get(`${x}:${y}`)!), [vectors.length], { int64: true })
  const costAt = (index: string) => o.op('GatherElements', [total, index], { axis: 1 })
  const neighbourCost = (dx: number, dy: number) => costAt(o.op('Gather', [neighbourTable(dx, dy), best], { axis: 0 }))
  const centre = costAt(best)
  const vertex = (minus: string, plus: string) => {
    const rise = o.op('Max', [o.op('Sub', [o.op('Max', [minus, plus]), centre]), o.constant([1e-3], [])])
    return o.op('Div', [o.op('Sub', [minus, plus]), o.op('Mul', [rise, o.constant([2], [])])])
  }
  const x = o.op('Add', [o.op('Gather', [table(0), best], { axis: 0 }), vertex(neighbourCost(-1, 0), neighbourCost(1, 0))])
  const y = o.op('Add', [o.op('Gather', [table(1), best], { axis: 0 }), vertex(neighbourCost(0, -1), neighbourCost(0, 1))])
  return o.op('Concat', [x, y], { axis: 1 })
}
