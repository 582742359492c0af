import type { TMotionLevels } from '../motion-levels'
import { OnnxDataType } from '../onnx-proto'
import type { TGraphOps } from '../graph-ops'
import { BLOCK_SOURCE } from './block-sources'

/**
 * The in-between frame from a level-2 flow [1,2,h2,w2] and block sources [1,1,h2,w2]
 * (BLOCK_SOURCE): each 4×4 output block is the mean of two blocks, normally `a`'s at −v/2 and
 * `b`'s at +v/2 (whole pixels: v rounded, ⌊v/2⌋ from `a` and the rest from `b`, so the two sum to
 * v), or twice the one frame's block where the other cannot see it; each clamped to stay inside
 * the frame. `a` and `b` are uint8 frames already padded to `levels.padded`; returns uint8
 * [1,H4,W4,3].
 *
 * Why rows of 4 pixels: a per-pixel Gather of 720p rgb24 costs ~9 ms a frame here, ~10 ns an
 * index. Each block row is 12 contiguous bytes at any whole-pixel offset, so each frame is laid
 * out four times, shifted by 0–3 pixels, as rows of 12 bytes (a table of [2N, 12] for both frames
 * of N pixels): every block row is one row of that table, and a frame takes N/4 indices, not N
 * (measured alone at 720p: ~9–11 ms for the table and both gathers against ~20 ms for per-pixel
 * gathers; inside the whole graph on a busy machine the table alone takes ~20 ms).
 */
export function blockWarp(o: TGraphOps, a: string, b: string, flow: string, source: string, levels: TMotionLevels): string {
  const { l2, padded } = levels
  const [w2, h2] = [l2.width, l2.height]
  const [W, H] = [padded.width, padded.height]
  const pixels = W * H
  const i64 = (values: number[]) => o.constant(values, [values.length], { int64: true })
  const scalar = (v: number) => o.constant([v], [])
  const origin: number[] = []
  const farthest: number[] = []
  for (const axis of [0, 1]) {
    for (let y = 0; y < h2; y++) {
      for (let x = 0; x < w2; x++) {
        origin.push(axis ? 4 * y : 4 * x)
        farthest.push(axis ? H - 4 - 4 * y : W - 4 - 4 * x)
      }
    }
  }
  // A block moved by offset d stays inside the frame while −origin ≤ d ≤ farthest.
  const originC = o.constant(origin, [1, 2, h2, w2])
  const negOrigin = o.op('Neg', [originC])
  const farthestC = o.constant(farthest, [1, 2, h2, w2])
  const whole = o.op('Round', [o.op('Mul', [flow, scalar(4)])])
  const toA = o.op('Floor', [o.op('Mul', [whole, scalar(0.5)])])
  const at = (offset: string) => o.op('Add', [o.op('Min', [o.op('Max', [offset, negOrigin]), farthestC]), originC])
  const fromA = at(o.op('Neg', [toA]))
  const fromB = at(o.op('Sub', [whole, toA]))
  const onlyA = o.op('Equal', [source, scalar(BLOCK_SOURCE.a)])
  const onlyB = o.op('Equal', [source, scalar(BLOCK_SOURCE.b)])
  const first = { at: o.op('Where', [onlyB, fromB, fromA]), frame: o.op('Where', [onlyB, scalar(1), scalar(0)]) }
  const second = { at: o.op('Where', [onlyA, fromA, fromB]), frame: o.op('Where', [onlyA, scalar(0), scalar(1)]) }

  const rowsPerBlock = o.constant([0, W / 4, (2 * W) / 4, (3 * W) / 4], [1, 4, 1])
  const toInt64 = (x: string) => o.op('Cast', [x], { to: OnnxDataType.INT64 })
  const index = ({ at, frame }: { at: string; frame: string }) => {
    const sx = o.op('Slice', [at, i64([0]), i64([1]), i64([1])])
    const sy = o.op('Slice', [at, i64([1]), i64([2]), i64([1])])
    // Shift k = sx mod 4 picks the copy; within it, the row of 12 bytes starting at pixel sy·W + sx.
    const k = o.op('Sub', [sx, o.op('Mul', [o.op('Floor', [o.op('Mul', [sx, scalar(0.25)])]), scalar(4)])])
    const start = o.op('Add', [o.op('Mul', [sy, scalar(W)]), sx])
    const row = o.op('Add', [o.op('Mul', [k, scalar(pixels / 4)]), o.op('Mul', [o.op('Sub', [start, k]), scalar(0.25)])])
    const perRow = o.op('Add', [o.op('Reshape', [row, i64([h2, 1, w2])]), rowsPerBlock])
    // int64 from here: with the frame's offset an index reaches 2N, past float's exact integers at 4K.
    const frameStart = o.op('Mul', [toInt64(o.op('Reshape', [frame, i64([h2, 1, w2])])), o.constant([pixels], [], { int64: true })])
    return o.op('Reshape', [o.op('Add', [toInt64(perRow), frameStart]), i64([-1])])
  }
  // Copy k starts k pixels in (negative leading pads crop); copy 0 is the frame itself.
  const shifted = (frame: string) => {
    const flat = o.op('Reshape', [frame, i64([-1])])
    return [flat, ...[1, 2, 3].map((k) => o.op('Pad', [flat, i64([-3 * k, 3 * k])]))]
  }
  const copies = [...shifted(a), ...shifted(b)]
  const table = o.op('Reshape', [o.op('Concat', copies, { axis: 0 }), i64([2 * pixels, 12])])
  const one = scalar(1)
  const sum = o.op('Add', [
    o.op('DequantizeLinear', [o.op('Gather', [table, index(first)], { axis: 0 }), one]),
    o.op('DequantizeLinear', [o.op('Gather', [table, index(second)], { axis: 0 }), one]),
  ])
  return o.op('Reshape', [o.op('QuantizeLinear', [sum, scalar(2)]), i64([1, H, W, 3])])
}
