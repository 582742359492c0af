import type { TEasing, TForegroundRegion, TLayeredCameraMove } from '@montage/core'
import { eased, type TCameraWindow } from './camera-window'

/*
 * The 2.5D previz: a still plate cut into layers by nearness (a drawn foreground, a matte, or a
 * depth map cut into three), the hole each near layer leaves in the layers behind it filled, and
 * every layer then framed by its own window, so near layers move more than far ones. It is a
 * previz, not a reconstruction: layers are flat cards, and what a near layer uncovers is a smooth
 * fill of its surroundings. Plain typed arrays; a 720p frame of two layers is a few tens of ms.
 */

/** A plate cut into layers, far (index 0, opaque) to near; all of the plate's size. */
export interface TLayerStack {
  width: number
  height: number
  /** rgb24 of each layer, with what nearer layers cover filled in (the nearest is the plate). */
  colour: Uint8Array[]
  /** Coverage (0..1) of each layer; the far layer's is null (opaque everywhere). */
  alpha: (Float32Array | null)[]
  /** How near each layer is: 0 the far layer, 1 the nearest. */
  nearness: number[]
}

/** Output frames of a 2.5D move frame at least this far in, so the far layer has room to move. */
export const LAYERED_MIN_ZOOM = 1.1

/** How much less than the nearest layer the far one travels. */
const FAR_TRAVEL = 0.3

/**
 * Each layer's window (plate fractions, as cameraWindow's) at time `t` of a 2.5D move. Windows are
 * square in fractions, so every layer keeps the shot's aspect.
 *
 * - orbit: a full circle: layers swing sideways on sin(2πe), near ones further, and come a little
 *   closer half way round; periodic, so the last frame is the first.
 * - arc_left / arc_right: half of that sweep, from one side to the other.
 * - crane_up / crane_down: the same sweep vertically.
 * - dolly_zoom_in / out: the nearest layer holds its size while the far one grows (in) or shrinks
 *   (out) by `zoom`, geometrically; middle layers in between.
 * The far layer's window never leaves the plate; nearer ones may (they are transparent outside).
 */
export function layerWindows(move: TLayeredCameraMove, zoom: number, t: number, nearness: readonly number[], easing: TEasing = 'ease_in_out'): TCameraWindow[] {
  const e = eased(t, easing)
  const z = Math.max(zoom, LAYERED_MIN_ZOOM)
  // The far layer's window of size 1/z centred on the plate can move this far either way.
  const travel = (1 - 1 / z) / 2
  return nearness.map((n) => {
    const reach = travel * (n + FAR_TRAVEL * (1 - n))
    switch (move) {
      case 'orbit':
        return around(1 / (z * (1 + 0.06 * n * (1 - Math.cos(2 * Math.PI * e)) / 2)), reach * Math.sin(2 * Math.PI * e), 0)
      case 'arc_left':
      case 'arc_right': {
        const dir = move === 'arc_right' ? 1 : -1
        return around(1 / (z * (1 + 0.04 * n * Math.sin(Math.PI * e))), dir * reach * (2 * e - 1), 0)
      }
      case 'crane_up':
      case 'crane_down': {
        // Rising, the camera's window climbs the plate (y falls).
        const dir = move === 'crane_up' ? -1 : 1
        return around(1 / z, 0, dir * reach * (2 * e - 1))
      }
      case 'dolly_zoom_in':
        return around(zoom ** -(e * (1 - n)), 0, 0)
      case 'dolly_zoom_out':
        return around(zoom ** -(1 - e * (1 - n)), 0, 0)
    }
  })
}

/** The largest scale (plate over output) any layer's window reaches in a move: the plate's resolution needs. */
export function layeredMaxScale(move: TLayeredCameraMove, zoom: number): number {
  if (move === 'dolly_zoom_in' || move === 'dolly_zoom_out') return zoom
  const z = Math.max(zoom, LAYERED_MIN_ZOOM)
  return move === 'orbit' ? z * 1.06 : move.startsWith('arc') ? z * 1.04 : z
}

function around(size: number, dx: number, dy: number): TCameraWindow {
  return { x: 0.5 + dx - size / 2, y: 0.5 + dy - size / 2, width: size, height: size }
}

/** A soft mask of a region drawn on the plate: rasterised at pixel centres, then feathered. */
export function regionMask(region: TForegroundRegion, width: number, height: number): Float32Array {
  const points: [number, number][] =
    region.shape === 'rect'
      ? [
          [region.x, region.y],
          [region.x + region.w, region.y],
          [region.x + region.w, region.y + region.h],
          [region.x, region.y + region.h],
        ]
      : region.points
  const mask = new Float32Array(width * height)
  const xs: number[] = []
  for (let y = 0; y < height; y++) {
    const py = (y + 0.5) / height
    xs.length = 0
    for (let i = 0; i < points.length; i++) {
      const [ax, ay] = points[i]!
      const [bx, by] = points[(i + 1) % points.length]!
      // Half-open in y, so a vertex shared by two edges counts once (even-odd rule).
      if (ay <= py !== by <= py) xs.push(ax + ((py - ay) / (by - ay)) * (bx - ax))
    }
    xs.sort((a, b) => a - b)
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(xs[k]! * width - 0.5))
      const x1 = Math.min(width - 1, Math.floor(xs[k + 1]! * width - 0.5))
      mask.fill(1, y * width + x0, y * width + x1 + 1)
    }
  }
  return feather(mask, width, height, Math.max(1, Math.round(0.004 * Math.hypot(width, height))))
}

/** Separable box blur of radius `r`, twice (close to a Gaussian): the soft edge of a mask. */
export function feather(mask: Float32Array, width: number, height: number, r: number): Float32Array {
  let src: Float32Array = mask
  let dst: Float32Array = new Float32Array(mask.length)
  for (let pass = 0; pass < 4; pass++) {
    const horizontal = pass % 2 === 0
    const [n, lines, stride, step] = horizontal ? [width, height, width, 1] : [height, width, 1, width]
    for (let line = 0; line < lines; line++) {
      const base = line * stride
      let sum = 0
      const at = (i: number) => src[base + Math.min(n - 1, Math.max(0, i)) * step]!
      for (let i = -r; i <= r; i++) sum += at(i)
      for (let i = 0; i < n; i++) {
        dst[base + i * step] = sum / (2 * r + 1)
        sum += at(i + r + 1) - at(i - r)
      }
    }
    ;[src, dst] = [dst, src]
  }
  return src
}

/**
 * Fills the pixels of `rgb` where `known` is 0 from the known ones around them (push-pull: known
 * pixels are averaged down a pyramid until every cell has some, then each level's gaps are taken
 * from the coarser level, interpolated). Smooth, with no streaks, in a few passes over the image.
 */
export function fillHoles(rgb: Uint8Array, known: Uint8Array, width: number, height: number): Uint8Array {
  type TLevel = { w: number; h: number; colour: Float32Array; weight: Float32Array }
  const first: TLevel = { w: width, h: height, colour: new Float32Array(width * height * 3), weight: new Float32Array(width * height) }
  for (let i = 0; i < width * height; i++) {
    if (!known[i]) continue
    first.weight[i] = 1
    for (let c = 0; c < 3; c++) first.colour[i * 3 + c] = rgb[i * 3 + c]!
  }
  const levels = [first]
  while (levels.at(-1)!.w > 1 || levels.at(-1)!.h > 1) {
    const fine = levels.at(-1)!
    const w = Math.ceil(fine.w / 2)
    const h = Math.ceil(fine.h / 2)
    const colour = new Float32Array(w * h * 3)
    const weight = new Float32Array(w * h)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sw = 0
        let r = 0
        let g = 0
        let b = 0
        for (let j = 0; j < 2; j++) {
          for (let i = 0; i < 2; i++) {
            const fx = Math.min(fine.w - 1, 2 * x + i)
            const fy = Math.min(fine.h - 1, 2 * y + j)
            const k = fy * fine.w + fx
            const wk = fine.weight[k]!
            sw += wk
            r += fine.colour[k * 3]! * wk
            g += fine.colour[k * 3 + 1]! * wk
            b += fine.colour[k * 3 + 2]! * wk
          }
        }
        const o = y * w + x
        if (sw > 0) {
          colour[o * 3] = r / sw
          colour[o * 3 + 1] = g / sw
          colour[o * 3 + 2] = b / sw
        }
        weight[o] = Math.min(1, sw)
      }
    }
    levels.push({ w, h, colour, weight })
  }
  // Pull: from the coarsest level up, each cell keeps its own colour by its weight and takes the
  // rest from the (already filled) coarser level, bilinearly.
  for (let l = levels.length - 2; l >= 0; l--) {
    const fine = levels[l]!
    const coarse = levels[l + 1]!
    for (let y = 0; y < fine.h; y++) {
      const cy = Math.min(coarse.h - 1, Math.max(0, (y + 0.5) / 2 - 0.5))
      const y0 = Math.floor(cy)
      const y1 = Math.min(coarse.h - 1, y0 + 1)
      const fy = cy - y0
      for (let x = 0; x < fine.w; x++) {
        const k = y * fine.w + x
        const wk = fine.weight[k]!
        if (wk >= 1) continue
        const cx = Math.min(coarse.w - 1, Math.max(0, (x + 0.5) / 2 - 0.5))
        const x0 = Math.floor(cx)
        const x1 = Math.min(coarse.w - 1, x0 + 1)
        const fx = cx - x0
        const [i00, i01, i10, i11] = [(y0 * coarse.w + x0) * 3, (y0 * coarse.w + x1) * 3, (y1 * coarse.w + x0) * 3, (y1 * coarse.w + x1) * 3]
        const cc = coarse.colour
        for (let c = 0; c < 3; c++) {
          const up = (cc[i00 + c]! * (1 - fx) + cc[i01 + c]! * fx) * (1 - fy) + (cc[i10 + c]! * (1 - fx) + cc[i11 + c]! * fx) * fy
          fine.colour[k * 3 + c] = fine.colour[k * 3 + c]! * wk + up * (1 - wk)
        }
        fine.weight[k] = 1
      }
    }
  }
  const out = rgb.slice()
  for (let i = 0; i < width * height; i++) {
    if (known[i]) continue
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(first.colour[i * 3 + c]!)
  }
  return out
}

/**
 * Cuts a plate into layers from soft coverage masks, far to near (each nearer mask inside the one
 * before it): each layer's colours are the plate's, with what the next nearer layer covers filled
 * from around it, so that moving that layer away uncovers a plausible surface, not a copy of it.
 */
export function buildLayerStack(plate: Uint8Array, width: number, height: number, masks: Float32Array[]): TLayerStack {
  const colour: Uint8Array[] = []
  for (let k = 0; k < masks.length; k++) {
    const nearer = masks[k]!
    const known = new Uint8Array(width * height)
    // The hole takes the whole feathered edge, so no foreground colour bleeds into the fill.
    for (let i = 0; i < known.length; i++) known[i] = nearer[i]! < 0.02 ? 1 : 0
    colour.push(fillHoles(plate, known, width, height))
  }
  colour.push(plate)
  const count = masks.length + 1
  return { width, height, colour, alpha: [null, ...masks], nearness: Array.from({ length: count }, (_, k) => k / (count - 1)) }
}

/** Soft masks of the near part of a depth map (white near), cut at a third and two thirds of its range. */
export function depthMasks(depth: Uint8Array, width: number, height: number): Float32Array[] {
  let lo = 255
  let hi = 0
  const luma = new Float32Array(width * height)
  for (let i = 0; i < luma.length; i++) {
    const v = 0.299 * depth[i * 3]! + 0.587 * depth[i * 3 + 1]! + 0.114 * depth[i * 3 + 2]!
    luma[i] = v
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const range = Math.max(1, hi - lo)
  return [1 / 3, 2 / 3].map((cut) => {
    const mask = new Float32Array(luma.length)
    for (let i = 0; i < luma.length; i++) {
      const d = (luma[i]! - lo) / range
      const s = Math.min(1, Math.max(0, (d - cut) / 0.08 + 0.5))
      mask[i] = s * s * (3 - 2 * s)
    }
    return feather(mask, width, height, 1)
  })
}

/** The soft mask of a matte (rgba): its alpha, or, where it has none (all opaque), its luma. */
export function matteMask(rgba: Uint8Array, width: number, height: number): Float32Array {
  const mask = new Float32Array(width * height)
  let opaque = true
  for (let i = 0; i < mask.length && opaque; i++) opaque = rgba[i * 4 + 3] === 255
  for (let i = 0; i < mask.length; i++) {
    mask[i] = opaque ? (0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!) / 255 : rgba[i * 4 + 3]! / 255
  }
  return feather(mask, width, height, 1)
}

/**
 * One rgb24 frame of a layer stack, each layer sampled (bilinear, in floating point: windows move
 * by fractions of a pixel) through its own window and laid far to near by its coverage.
 */
export function renderLayers(stack: TLayerStack, windows: readonly TCameraWindow[], outWidth: number, outHeight: number, out = new Uint8Array(outWidth * outHeight * 3)): Uint8Array {
  const { width, height } = stack
  const acc = new Float32Array(outWidth * 3)
  // Per column of the output: the left tap's index and weight, or -1 outside a transparent layer.
  const xs = new Int32Array(outWidth)
  const fxs = new Float32Array(outWidth)
  for (let oy = 0; oy < outHeight; oy++) {
    for (let k = 0; k < stack.colour.length; k++) {
      const win = windows[k]!
      const alpha = stack.alpha[k] ?? null
      const py = (win.y + ((oy + 0.5) / outHeight) * win.height) * height - 0.5
      if (alpha && (py < -1 || py > height)) continue
      const cy = Math.min(height - 1, Math.max(0, py))
      const y0 = Math.min(height - 2, Math.floor(cy))
      const step = (win.width * width) / outWidth
      const left = win.x * width + 0.5 * step - 0.5
      for (let ox = 0; ox < outWidth; ox++) {
        const px = left + ox * step
        const cx = Math.min(width - 1, Math.max(0, px))
        const x0 = Math.min(width - 2, Math.floor(cx))
        xs[ox] = alpha && (px < -1 || px > width) ? -1 : x0
        fxs[ox] = cx - x0
      }
      if (alpha) sampleOver(acc, stack.colour[k]!, alpha, width, y0, cy - y0, xs, fxs, outWidth)
      else sampleOpaque(acc, stack.colour[k]!, width, y0, cy - y0, xs, fxs, outWidth)
    }
    const row = oy * outWidth * 3
    for (let i = 0; i < outWidth * 3; i++) out[row + i] = Math.round(acc[i]!)
  }
  return out
}

/** One row of an opaque layer, bilinear, into `acc`. */
function sampleOpaque(acc: Float32Array, colour: Uint8Array, width: number, y0: number, fy: number, xs: Int32Array, fxs: Float32Array, n: number): void {
  const r0 = y0 * width * 3
  const r1 = r0 + width * 3
  for (let ox = 0; ox < n; ox++) {
    const i = xs[ox]! * 3
    const fx = fxs[ox]!
    const w00 = (1 - fx) * (1 - fy)
    const w01 = fx * (1 - fy)
    const w10 = (1 - fx) * fy
    const w11 = fx * fy
    const a = r0 + i
    const b = r1 + i
    const o = ox * 3
    acc[o] = colour[a]! * w00 + colour[a + 3]! * w01 + colour[b]! * w10 + colour[b + 3]! * w11
    acc[o + 1] = colour[a + 1]! * w00 + colour[a + 4]! * w01 + colour[b + 1]! * w10 + colour[b + 4]! * w11
    acc[o + 2] = colour[a + 2]! * w00 + colour[a + 5]! * w01 + colour[b + 2]! * w10 + colour[b + 5]! * w11
  }
}

/** One row of a layer with coverage, bilinear, laid over `acc`. */
function sampleOver(acc: Float32Array, colour: Uint8Array, alpha: Float32Array, width: number, y0: number, fy: number, xs: Int32Array, fxs: Float32Array, n: number): void {
  const m0 = y0 * width
  const m1 = m0 + width
  for (let ox = 0; ox < n; ox++) {
    const x0 = xs[ox]!
    if (x0 < 0) continue
    const fx = fxs[ox]!
    const w00 = (1 - fx) * (1 - fy)
    const w01 = fx * (1 - fy)
    const w10 = (1 - fx) * fy
    const w11 = fx * fy
    const cover = alpha[m0 + x0]! * w00 + alpha[m0 + x0 + 1]! * w01 + alpha[m1 + x0]! * w10 + alpha[m1 + x0 + 1]! * w11
    if (cover <= 0) continue
    const a = (m0 + x0) * 3
    const b = (m1 + x0) * 3
    const o = ox * 3
    for (let c = 0; c < 3; c++) {
      const v = colour[a + c]! * w00 + colour[a + 3 + c]! * w01 + colour[b + c]! * w10 + colour[b + 3 + c]! * w11
      acc[o + c] = acc[o + c]! + (v - acc[o + c]!) * cover
    }
  }
}
