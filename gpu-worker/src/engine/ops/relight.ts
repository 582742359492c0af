import type { TRelightParams, TRelightPreset } from '@montage/core'
import * as ort from 'onnxruntime-node'
import { buildRelightGraph, type TFrameShape } from '../../onnx/build-relight-graph'
import { KernelWorker } from '../kernels/KernelWorker'
import { relightModule } from '../kernels/relight-kernel'
import type { TFrameTransform } from '../frame-pipeline'
import type { MediaEngine } from '../MediaEngine'

interface TRelightLook {
  /** Ambient multiplier per channel. */
  tint: [number, number, number]
  /** Added per channel (tinted shadows), in 0..255. */
  lift: [number, number, number]
  /** The key light's colour temperature, unless the params give one. */
  kelvin: number
  /** How much the key light varies across the frame (0 flat .. 1 dark on the far side). */
  key: number
}

/** Each preset's look. Tints keep structure (a multiply), lifts move the shadows' colour. */
export const RELIGHT_LOOKS: Record<TRelightPreset, TRelightLook> = {
  golden_hour: { tint: [1.12, 0.96, 0.76], lift: [12, 5, 0], kelvin: 2700, key: 0.5 },
  blue_hour: { tint: [0.74, 0.86, 1.12], lift: [0, 6, 22], kelvin: 9500, key: 0.3 },
  night: { tint: [0.36, 0.44, 0.7], lift: [0, 3, 12], kelvin: 8500, key: 0.35 },
  // Overcast flattens toward a neutral mid grey: contrast × 0.7 about ~145, blue a touch cooler.
  overcast: { tint: [0.68, 0.69, 0.72], lift: [46, 46, 48], kelvin: 6500, key: 0.08 },
  neon: { tint: [1.02, 0.7, 1.1], lift: [16, 0, 24], kelvin: 4500, key: 0.45 },
}

/** Black-body colour (sRGB, 0..1) at a few temperatures; interpolated in between. */
const KELVIN_RGB: [number, [number, number, number]][] = [
  [1500, [1, 0.43, 0]],
  [2000, [1, 0.54, 0.07]],
  [3000, [1, 0.71, 0.42]],
  [4000, [1, 0.82, 0.64]],
  [5000, [1, 0.89, 0.81]],
  [6500, [1, 0.98, 0.99]],
  [8000, [0.89, 0.91, 1]],
  [10000, [0.8, 0.86, 1]],
  [12000, [0.75, 0.83, 1]],
]

/** A light's colour at `kelvin`, scaled to unit luma so the temperature does not change exposure. */
export function kelvinToGain(kelvin: number): [number, number, number] {
  let i = 0
  while (i < KELVIN_RGB.length - 2 && kelvin > KELVIN_RGB[i + 1]![0]) i++
  const [k0, c0] = KELVIN_RGB[i]!
  const [k1, c1] = KELVIN_RGB[i + 1]!
  const t = Math.min(1, Math.max(0, (kelvin - k0) / (k1 - k0)))
  const rgb = c0.map((v, c) => v + (c1[c]! - v) * t) as [number, number, number]
  const luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
  return rgb.map((v) => v / luma) as [number, number, number]
}

/**
 * A relight as a field over the frame: per channel, `out = frame · (a + b · facing) + lift`, where
 * facing = clamp(u0 + x · ux + y · uy, 0, 1) is how much a pixel faces the key light. That is the
 * ambient tint × a key light from `direction` whose strength falls off linearly across the frame,
 * all blended toward identity by `intensity`; smooth in space, so the source's edges survive (a
 * multiply by a slowly varying positive field).
 */
export interface TRelightField {
  u0: number
  ux: number
  uy: number
  a: [number, number, number]
  b: [number, number, number]
  lift: [number, number, number]
}

export function relightField(params: TRelightParams, { width, height }: TFrameShape): TRelightField {
  const look = RELIGHT_LOOKS[params.preset]
  const keyColour = kelvinToGain(params.temperature ?? look.kelvin)
  const theta = (params.direction * Math.PI) / 180
  const dx = Math.cos(theta)
  const dy = -Math.sin(theta) // image rows grow downward; 90° is light from the top
  const reach = 0.5 * (Math.abs(dx) * width + Math.abs(dy) * height) || 1
  const k = look.key
  const i = params.intensity
  // Pixel centres, measured from the frame's centre, along the light: facing = 0.5 + 0.5 · along.
  const ux = (0.5 * dx) / reach
  const uy = (0.5 * dy) / reach
  const u0 = 0.5 + ux * (0.5 - width / 2) + uy * (0.5 - height / 2)
  // gain = 1 + i · (tint · (1 − k + 2k · facing · key) − 1)
  const a = look.tint.map((t) => 1 + i * (t * (1 - k) - 1)) as [number, number, number]
  const b = look.tint.map((t, c) => i * t * 2 * k * keyColour[c]!) as [number, number, number]
  const lift = look.lift.map((v) => v * i) as [number, number, number]
  return { u0, ux, uy, a, b, lift }
}

/** The field as full-size float maps, one value per channel per pixel (the ONNX graph's inputs). */
export function relightMaps(params: TRelightParams, shape: TFrameShape): { gain: Float32Array; lift: Float32Array } {
  const { width, height } = shape
  const { u0, ux, uy, a, b, lift: liftRgb } = relightField(params, shape)
  const gain = new Float32Array(width * height * 3)
  const lift = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const facing = Math.min(1, Math.max(0, u0 + x * ux + y * uy))
      const i = (y * width + x) * 3
      for (let c = 0; c < 3; c++) {
        gain[i + c] = a[c]! + b[c]! * facing
        lift[i + c] = liftRgb[c]!
      }
    }
  }
  return { gain, lift }
}

/**
 * Pixels per session run of the ONNX graph (the CUDA path): a frame runs as bands of about this many
 * pixels, each band's float intermediates (~3 MB a tensor) then stay in cache between the graph's
 * four nodes.
 */
export const RELIGHT_BAND_PIXELS = 1 << 18

/**
 * On CPU, our own kernel (relight-kernel.ts) on a thread of its own: one fused pass a frame, about
 * 1.7 ms at 720p, where the ONNX graph's four elementwise nodes took ~5 ms on the same machine. With
 * the CUDA execution provider, the ONNX graph.
 */
export async function relightTransform(engine: MediaEngine, params: TRelightParams, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  if (engine.executionProvider === 'cuda') return relightGraphTransform(engine, params, shape)
  const { u0, ux, uy, a, b, lift } = relightField(params, shape)
  const module = await relightModule()
  const bytes = shape.width * shape.height * 3
  const kernel = new KernelWorker({ module, entry: 'relight', inputs: [bytes], outBytes: bytes, args: [shape.width, shape.height, u0, ux, uy, ...a, ...b, ...lift] })
  return {
    // Once a kernel call has settled, the kernel holds nothing of its input.
    releasesInput: true,
    inputFrames: kernel.inputFrames(0),
    recycleOutput: (frame) => kernel.recycle(frame),
    push: async (frame) => [await kernel.run([frame])],
    close: () => kernel.close(),
  }
}

async function relightGraphTransform(engine: MediaEngine, params: TRelightParams, shape: TFrameShape): Promise<TFrameTransform<Uint8Array>> {
  // Three elementwise nodes over a band: without the arena most of a run is first touches of its
  // fresh float intermediates.
  const session = await engine.session(`relight:${shape.width}`, () => buildRelightGraph(shape), { arena: true })
  const maps = relightMaps(params, shape)
  const rowValues = shape.width * 3
  const bandRows = Math.max(1, Math.floor(RELIGHT_BAND_PIXELS / shape.width))
  // The maps' bands are the same every frame: their tensors are made once.
  const bands: { at: number; end: number; dims: number[]; gain: ort.Tensor; lift: ort.Tensor }[] = []
  for (let row = 0; row < shape.height; row += bandRows) {
    const rows = Math.min(bandRows, shape.height - row)
    const at = row * rowValues
    const end = at + rows * rowValues
    const dims = [1, rows, shape.width, 3]
    bands.push({ at, end, dims, gain: new ort.Tensor('float32', maps.gain.subarray(at, end), dims), lift: new ort.Tensor('float32', maps.lift.subarray(at, end), dims) })
  }
  return {
    async push(frame) {
      // ORT writes each band straight into the frame handed on (no output copy); a fresh buffer a
      // frame, since the sink may still hold the previous ones.
      const out = new Uint8Array(Buffer.allocUnsafeSlow(frame.length).buffer, 0, frame.length)
      for (const { at, end, dims, gain, lift } of bands) {
        await session.run({ frame: new ort.Tensor('uint8', frame.subarray(at, end), dims), gain, lift }, { out: new ort.Tensor('uint8', out.subarray(at, end), dims) })
      }
      return [out]
    },
  }
}
