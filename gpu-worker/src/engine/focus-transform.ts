import type { TCommentRegion, TEditFocus } from '@montage/core'
import type { TFrameTransform } from './frame-pipeline'

/** A region's bounding box in pixels, at least one pixel each way. */
function regionBox(region: TCommentRegion, width: number, height: number) {
  const xs = region.shape === 'rect' ? [region.x, region.x + region.w] : region.shape === 'arrow' ? [region.x1, region.x2] : region.points.map((p) => p[0])
  const ys = region.shape === 'rect' ? [region.y, region.y + region.h] : region.shape === 'arrow' ? [region.y1, region.y2] : region.points.map((p) => p[1])
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(Math.min(...xs) * width)))
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(Math.min(...ys) * height)))
  const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil(Math.max(...xs) * width)))
  const y1 = Math.max(y0 + 1, Math.min(height, Math.ceil(Math.max(...ys) * height)))
  return { x0, y0, x1, y1 }
}

/**
 * Keeps a same-size rgb24 edit to an edit-from-comment's focus: frames outside its time range are
 * the source's, and inside it only the region's bounding box takes the edit. Frames outside the
 * range skip the model entirely (no cost for frames nobody asked to change).
 */
export function focusTransform(inner: TFrameTransform<Uint8Array>, focus: TEditFocus, frame: { width: number; height: number; fps: number | null }): TFrameTransform<Uint8Array> {
  const { width, height, fps } = frame
  const box = focus.region ? regionBox(focus.region, width, height) : null
  // Half a frame of slack, so a range given in seconds takes the frames a viewer shows at those times.
  const slack = fps ? 0.5 / fps : 0
  const inRange = (index: number) => {
    if (fps === null) return true
    const t = index / fps
    return t >= focus.startSeconds - slack && (focus.endSeconds === undefined || t <= focus.endSeconds + slack)
  }
  return {
    async push(input, index) {
      // The source is copied before any await: a reader may reuse its buffer for the next frame.
      const source = input.slice()
      if (!inRange(index)) return [source]
      const outputs = await inner.push(input, index)
      if (!box) return outputs
      return outputs.map((edited) => {
        const out = source.slice()
        const rowBytes = (box.x1 - box.x0) * 3
        for (let y = box.y0; y < box.y1; y++) {
          const at = (y * width + box.x0) * 3
          out.set(edited.subarray(at, at + rowBytes), at)
        }
        return out
      })
    },
    ...(inner.end ? { end: () => inner.end!() } : {}),
    ...(inner.close ? { close: () => inner.close!() } : {}),
  }
}
