import type {} from './webassembly'
import { createRequire } from 'node:module'

/**
 * Our own per-pixel kernels, written in WebAssembly text (SIMD, 128-bit) and compiled once per
 * process with wabt; KernelWorker runs them on a thread over frames copied into shared memory. For
 * elementwise work one fused pass over a frame beats a graph of separate ONNX Runtime nodes, each a
 * full pass over float intermediates.
 */
const compiled = new Map<string, Promise<WebAssembly.Module>>()

export function compileWat(name: string, text: string): Promise<WebAssembly.Module> {
  let module = compiled.get(name)
  if (!module) {
    module = (async () => {
      const require = createRequire(import.meta.url)
      const wabt = await (require('wabt') as () => Promise<WabtModule>)()
      const features = { simd: true, sat_float_to_int: true, threads: true }
      const parsed = wabt.parseWat(`${name}.wat`, text, features)
      try {
        parsed.validate(features)
        return await WebAssembly.compile(parsed.toBinary({}).buffer)
      } finally {
        parsed.destroy()
      }
    })()
    compiled.set(name, module)
    module.catch(() => compiled.delete(name))
  }
  return module
}

interface WabtModule {
  parseWat(filename: string, text: string, features?: Record<string, boolean>): {
    validate(features?: Record<string, boolean>): void
    toBinary(options: Record<string, unknown>): { buffer: Uint8Array }
    destroy(): void
  }
}

/*
 * Habits that keep V8's code for these kernels short (measured on a 720p frame):
 * - constants as v128.const, not splats of f32.const (a splat is three instructions a use);
 * - clamps with pmin/pmax (one instruction each) where no lane can be NaN; min/max must handle
 *   NaN and -0 and cost about six;
 * - bytes picked into lanes with i8x16.swizzle and indices ≥ 16 for zero lanes, not a
 *   two-operand shuffle with a zero vector.
 */

/**
 * WAT for f32x4 lanes in [0, 2^22) rounded to the nearest integer (ties to even, as `nearest`) as
 * i32x4: adding 1.5 · 2^23 leaves the rounded integer in the low mantissa bits, and subtracting the
 * sum's bits for 0 takes it out. Two instructions where nearest + trunc_sat are about ten on x86.
 */
export const roundToI32x4 = (f32x4: string) => `(i32x4.sub (f32x4.add ${f32x4} (v128.const f32x4 12582912 12582912 12582912 12582912)) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000))`
