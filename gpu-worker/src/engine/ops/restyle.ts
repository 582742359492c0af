import type { TRestyleParams, TRestylePreset } from '@montage/core'
import * as ort from 'onnxruntime-node'
import { buildRestyleGraph, RESTYLE_SCALARS, type TRestyleScalar } from '../../onnx/build-restyle-graph'
import type { TFrameShape } from '../../onnx/build-relight-graph'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

interface TStyle {
  /** Detail under `coreBelow` levels is smoothed away, over `coreAbove` kept. */
  coreBelow: number
  coreAbove: number
  saturation: number
  /** S-curve steepness (~0.5 nearly linear, 3 hard). */
  contrast: number
  /** Posterize band width in levels, and how far toward hard bands (0..0.9; < 1 stays monotonic). */
  bandStep: number
  bandAmount: number
  /** Ink starts at an edge strength of `inkFrom` (|∂x|+|∂y| of the luma), full `inkSpan` later. */
  inkFrom: number
  inkSpan: number
  ink: number
  vignette: number
  /** Lift toward paper white (watercolor). */
  paper: number
}

const STYLES: Record<TRestylePreset, TStyle> = {
  anime: { coreBelow: 6, coreAbove: 30, saturation: 1.25, contrast: 1.2, bandStep: 32, bandAmount: 0.5, inkFrom: 70, inkSpan: 110, ink: 0.18, vignette: 0, paper: 0 },
  film_noir: { coreBelow: 2, coreAbove: 12, saturation: 0, contrast: 3, bandStep: 64, bandAmount: 0, inkFrom: 90, inkSpan: 200, ink: 0.12, vignette: 0.55, paper: 0 },
  watercolor: { coreBelow: 10, coreAbove: 45, saturation: 0.85, contrast: 0.8, bandStep: 48, bandAmount: 0.35, inkFrom: 40, inkSpan: 200, ink: 0.15, vignette: 0, paper: 0.18 },
  comic: { coreBelow: 6, coreAbove: 24, saturation: 1.4, contrast: 1.4, bandStep: 40, bandAmount: 0.5, inkFrom: 60, inkSpan: 90, ink: 0.16, vignette: 0, paper: 0 },
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))

/** The graph's scalar inputs for a preset at a strength. */
export function restyleScalars(params: TRestyleParams): Record<TRestyleScalar, number> {
  const s = STYLES[params.preset]
  const coreA = 1 / (s.coreAbove - s.coreBelow)
  const k = s.contrast
  return {
    coreA,
    coreB: -s.coreBelow * coreA,
    sat: s.saturation,
    ck: k / 128,
    cb: -k,
    c0: sigmoid(-k),
    cs: 255 / (sigmoid(k) - sigmoid(-k)),
    qf: (2 * Math.PI) / s.bandStep,
    qa: (s.bandAmount * s.bandStep) / (2 * Math.PI),
    inkLo: s.inkFrom,
    inkGain: 1 / s.inkSpan,
    inkAmt: s.ink,
    outA: 1 - s.paper,
    outB: 255 * s.paper,
    strength: params.strength,
  }
}

function vignetteMap(amount: number, { width, height }: TFrameShape): Float32Array {
  const map = new Float32Array(width * height).fill(1)
  if (amount === 0) return map
  const rMax = Math.hypot(width / 2, height / 2)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x + 0.5 - width / 2, y + 0.5 - height / 2) / rMax
      map[y * width + x] = 1 - amount * r * r
    }
  }
  return map
}

/** Rows of context each strip carries past its output rows: the 5×5 pool (2) and the Sobel on its luma (1). */
const STRIP_HALO = 3
/** Pixels per strip run: a 1080p frame runs as 4 strips, 720p as 2. */
const STRIP_PIXELS = 600_000

export interface TRestyleStrip {
  /** First source row of the strip's input. */
  start: number
  /** Output rows [from, to) it supplies. */
  from: number
  to: number
}

/**
 * Splits a frame into horizontal strips that each run through one fixed-size session: every
 * intermediate of the NCHW float graph is then a strip, not a frame (at 1080p a frame's worth is
 * 25 MB a tensor, and a run holds several), which is what keeps the peak memory of a 1080p restyle
 * low. Each strip's input carries `STRIP_HALO` rows past its output rows (clamped at the frame's
 * edges, where the graph's own padding applies as on a whole frame), so the output is the same as
 * one whole-frame run.
 */
export function restyleStrips(height: number, width: number): { rows: number; strips: TRestyleStrip[] } {
  const count = Math.max(1, Math.ceil((height * width) / STRIP_PIXELS))
  const step = Math.ceil(height / count)
  const rows = Math.min(height, step + 2 * STRIP_HALO)
  const strips: TRestyleStrip[] = []
  for (let from = 0; from < height; from += step) {
    const to = Math.min(height, from + step)
    const start = Math.max(0, Math.min(from - STRIP_HALO, height - rows))
    strips.push({ start, from, to })
  }
  return { rows, strips }
}

export async function restyleTransform(engine: MediaEngine, params: TRestyleParams, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  const { width, height } = shape
  const { rows, strips } = restyleStrips(height, width)
  const session = await engine.session(`restyle:${width}x${rows}`, () => buildRestyleGraph({ width, height: rows }))
  const scalars = restyleScalars(params)
  const vignette = vignetteMap(STYLES[params.preset].vignette, shape)
  const feeds: Record<string, ort.Tensor> = {}
  for (const name of RESTYLE_SCALARS) feeds[name] = new ort.Tensor('float32', Float32Array.of(scalars[name]), [1])
  // Row-major planes, so a strip of the vignette and of the frame is a view, not a copy.
  const stripVignettes = strips.map(({ start }) => new ort.Tensor('float32', vignette.subarray(start * width, (start + rows) * width), [1, 1, rows, width]))
  const dims = [1, rows, width, 3]
  const rowBytes = width * 3
  return {
    async push(frame) {
      if (strips.length === 1) {
        const out = await session.run({ ...feeds, vignette: stripVignettes[0]!, frame: new ort.Tensor('uint8', frame, dims) })
        return [out.out!.data as Uint8Array]
      }
      const result = new Uint8Array(frame.length)
      for (const [i, { start, from, to }] of strips.entries()) {
        const input = frame.subarray(start * rowBytes, (start + rows) * rowBytes)
        const out = await session.run({ ...feeds, vignette: stripVignettes[i]!, frame: new ort.Tensor('uint8', input, dims) })
        const data = out.out!.data as Uint8Array
        result.set(data.subarray((from - start) * rowBytes, (to - start) * rowBytes), from * rowBytes)
      }
      return [result]
    },
  }
}
