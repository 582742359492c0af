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

export async function restyleTransform(engine: MediaEngine, params: TRestyleParams, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  const session = await engine.session(`restyle:${shape.width}x${shape.height}`, () => buildRestyleGraph(shape))
  const scalars = restyleScalars(params)
  const feeds: Record<string, ort.Tensor> = {
    vignette: new ort.Tensor('float32', vignetteMap(STYLES[params.preset].vignette, shape), [1, 1, shape.height, shape.width]),
  }
  for (const name of RESTYLE_SCALARS) feeds[name] = new ort.Tensor('float32', Float32Array.of(scalars[name]), [1])
  const dims = [1, shape.height, shape.width, 3]
  return {
    async push(frame) {
      const out = await session.run({ ...feeds, frame: new ort.Tensor('uint8', frame, dims) })
      return [out.out!.data as Uint8Array]
    },
  }
}
