import type { TCameraKeyframe, TCameraMove, TEasing } from '@montage/core'

/** The part of the plate a frame shows, in plate fractions (0..1 on both axes). */
export interface TCameraWindow {
  x: number
  y: number
  width: number
  height: number
}

/** Ease-in-out with zero velocity at both ends and a continuous first derivative. */
function easeInOut(t: number): number {
  return (1 - Math.cos(Math.PI * Math.min(1, Math.max(0, t)))) / 2
}

/** How far along a move is at time `t` (0..1), after easing. */
export function eased(t: number, easing: TEasing = 'ease_in_out'): number {
  return easing === 'linear' ? Math.min(1, Math.max(0, t)) : easeInOut(t)
}

/**
 * Where the camera looks at time `t` (0 at the first frame, 1 at the last). Everything stays in
 * floating point: windows move by fractions of a pixel, never snapping to whole pixels, which is
 * what makes a slow push-in look smooth rather than jittery.
 *
 * - push_in / pull_out scale geometrically (zoom^e), so the apparent speed of the zoom is even;
 *   a linear change of the window width would race at the end of a push-in.
 * - pans and tilts move a window 1/zoom of the plate from one edge to the other; with zoom 1
 *   there is nothing to pan across and the frame holds.
 * - static holds the whole plate.
 * - keyframes runs through the drawn framings, eased over the whole move: between two framings
 *   the size changes geometrically and the centre linearly (so a push-in while panning zooms at an
 *   even ratio too), and the window stays inside the plate because both framings are.
 * - `linear` easing moves at constant speed (constant zoom ratio a frame for push/pull).
 *
 * The 2.5D moves (orbit, arc, crane, dolly zoom) move layers rather than one window: see
 * layered-move.ts; as one window they hold the whole plate.
 */
export function cameraWindow(move: TCameraMove, zoom: number, t: number, easing: TEasing = 'ease_in_out', keyframes?: readonly TCameraKeyframe[]): TCameraWindow {
  const e = eased(t, easing)
  switch (move) {
    case 'keyframes':
      if (!keyframes || keyframes.length < 2) throw new Error('a keyframes move needs at least two framings')
      return keyframeWindow(keyframes, e)
    case 'orbit':
    case 'arc_left':
    case 'arc_right':
    case 'crane_up':
    case 'crane_down':
    case 'dolly_zoom_in':
    case 'dolly_zoom_out':
    case 'static':
      return centred(1)
    case 'push_in':
      return centred(zoom ** e)
    case 'pull_out':
      return centred(zoom ** (1 - e))
    case 'pan_right':
      return slide(zoom, e, 0.5)
    case 'pan_left':
      return slide(zoom, 1 - e, 0.5)
    case 'tilt_down':
      return slide(zoom, 0.5, e)
    case 'tilt_up':
      return slide(zoom, 0.5, 1 - e)
  }
}

function keyframeWindow(keyframes: readonly TCameraKeyframe[], e: number): TCameraWindow {
  let i = 0
  while (i < keyframes.length - 2 && e > keyframes[i + 1]!.t) i++
  const [a, b] = [keyframes[i]!, keyframes[i + 1]!]
  const u = Math.min(1, Math.max(0, (e - a.t) / (b.t - a.t)))
  const size = a.size ** (1 - u) * b.size ** u
  const cx = a.x + a.size / 2 + (b.x + b.size / 2 - a.x - a.size / 2) * u
  const cy = a.y + a.size / 2 + (b.y + b.size / 2 - a.y - a.size / 2) * u
  return { x: cx - size / 2, y: cy - size / 2, width: size, height: size }
}

function centred(scale: number): TCameraWindow {
  const size = 1 / scale
  return { x: (1 - size) / 2, y: (1 - size) / 2, width: size, height: size }
}

/** A 1/zoom window whose position runs from the left/top edge (0) to the right/bottom edge (1). */
function slide(zoom: number, across: number, down: number): TCameraWindow {
  const size = 1 / zoom
  return { x: (1 - size) * across, y: (1 - size) * down, width: size, height: size }
}

/**
 * The Resize `roi` ([y_start, x_start, y_end, x_end]) that samples `window` into an
 * outWidth×outHeight frame. tf_crop_and_resize maps the first and last output pixels onto
 * roi·(size-1), i.e. onto pixel centres, so we aim them at the centres of the first and last output
 * pixels as laid over the window; this gives the same geometry as a half-pixel resize of the crop.
 */
export function roiForWindow(
  window: TCameraWindow,
  plate: { width: number; height: number },
  out: { width: number; height: number },
): Float32Array {
  const [x0, x1] = axisRange(window.x, window.width, plate.width, out.width)
  const [y0, y1] = axisRange(window.y, window.height, plate.height, out.height)
  return new Float32Array([y0, x0, y1, x1])
}

function axisRange(start: number, size: number, plateSize: number, outSize: number): [number, number] {
  const left = start * plateSize
  const step = (size * plateSize) / outSize
  const first = left + 0.5 * step - 0.5
  const last = left + (outSize - 0.5) * step - 0.5
  // Clamped so that rounding at the plate's edge never samples the black extrapolation value.
  const clamp = (v: number) => Math.min(1, Math.max(0, v / (plateSize - 1)))
  return [clamp(first), clamp(last)]
}
