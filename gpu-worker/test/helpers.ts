import { LocalAssetStore } from '@montage/assets'
import { asyncLocalStorage, Context, type Info } from '@temporalio/activity'
import { CancelledFailure, noopMetricMeter } from '@temporalio/common'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MediaEngine } from '../src/engine/MediaEngine'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { runProcess } from '../src/ffmpeg/run-process'

export const paths = resolveFfmpegPaths()

export interface TTestRig {
  dir: string
  store: LocalAssetStore
  engine: MediaEngine
  workDir: string
  cleanup(): Promise<void>
}

export async function createRig(): Promise<TTestRig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpu-worker-test-'))
  const store = new LocalAssetStore(path.join(dir, 'assets'))
  const workDir = path.join(dir, 'work')
  await (await import('node:fs/promises')).mkdir(workDir, { recursive: true })
  const engine = new MediaEngine({ ffmpeg: paths, workDir, intraOpThreads: 1, logger: { info: () => undefined, warn: () => undefined } })
  return {
    dir,
    store,
    engine,
    workDir,
    cleanup: async () => {
      await engine.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Every blob in the store (sha256s), ignoring its temp folder. */
export async function storedBlobs(store: LocalAssetStore): Promise<string[]> {
  const out: string[] = []
  let prefixes: string[] = []
  try {
    prefixes = await readdir(store.root)
  } catch {
    return out
  }
  for (const p of prefixes) {
    if (p === 'tmp') continue
    out.push(...(await readdir(path.join(store.root, p))))
  }
  return out.sort()
}

/**
 * A smooth, non-periodic test plate: rings about the centre plus two incommensurate waves, so that
 * any zoom or shift of it has a single best match (a checkerboard would alias and repeat).
 */
export function smoothPlate(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3)
  const cx = width / 2
  const cy = height / 2
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - cx, y - cy)
      const rings = Math.sin((2 * Math.PI * r) / 90)
      const waves = Math.sin((2 * Math.PI * x) / 233) * Math.cos((2 * Math.PI * y) / 157)
      const i = (y * width + x) * 3
      rgb[i] = clamp(128 + 55 * rings + 45 * waves)
      rgb[i + 1] = clamp(128 + 40 * rings - 50 * waves + 20 * (x / width))
      rgb[i + 2] = clamp(60 + 120 * (y / height) + 30 * rings)
    }
  }
  return rgb
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)))
}

/** Encodes raw RGB24 to an image file through ffmpeg (`png`, `jpg`, `webp` by extension). */
export async function writeImage(rgb: Uint8Array, width: number, height: number, file: string): Promise<void> {
  const child = spawn(paths.ffmpeg, ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-', '-frames:v', '1', file], {
    stdio: ['pipe', 'ignore', 'inherit'],
  })
  child.stdin.end(rgb)
  const [code] = (await once(child, 'close')) as [number]
  if (code !== 0) throw new Error(`ffmpeg could not write ${file}`)
}

export interface TProbedStream {
  codec_name: string
  pix_fmt?: string
  width: number
  height: number
  r_frame_rate?: string
  avg_frame_rate?: string
  nb_frames?: string
}

export async function probe(file: string): Promise<{ stream: TProbedStream; durationSeconds: number; formatName: string }> {
  const { stdout } = await runProcess(paths.ffprobe, ['-v', 'error', '-show_streams', '-show_format', '-select_streams', 'v:0', '-of', 'json', file])
  const parsed = JSON.parse(stdout.toString('utf8')) as { streams: TProbedStream[]; format: { duration?: string; format_name: string } }
  return { stream: parsed.streams[0]!, durationSeconds: Number(parsed.format.duration), formatName: parsed.format.format_name }
}

/** Decodes every frame of a clip to 8-bit luma at width×height. */
export async function decodeGrayFrames(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await runProcess(paths.ffmpeg, [
    '-v', 'error', '-i', file, '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-',
  ])
  const size = width * height
  const frames: Uint8Array[] = []
  for (let o = 0; o + size <= stdout.length; o += size) frames.push(new Uint8Array(stdout.buffer, stdout.byteOffset + o, size))
  return frames
}

function sample(img: Uint8Array, width: number, height: number, x: number, y: number): number {
  const x0 = Math.max(0, Math.min(width - 2, Math.floor(x)))
  const y0 = Math.max(0, Math.min(height - 2, Math.floor(y)))
  const fx = x - x0
  const fy = y - y0
  const i = y0 * width + x0
  const top = img[i]! * (1 - fx) + img[i + 1]! * fx
  const bottom = img[i + width]! * (1 - fx) + img[i + width + 1]! * fx
  return top * (1 - fy) + bottom * fy
}

/** Mean squared difference between `frame` and `ref` warped by `map` (frame pixel → ref position). */
function warpError(
  ref: Uint8Array,
  frame: Uint8Array,
  width: number,
  height: number,
  map: (x: number, y: number) => [number, number],
  stride = 3,
): number {
  let sum = 0
  let n = 0
  for (let y = 4; y < height - 4; y += stride) {
    for (let x = 4; x < width - 4; x += stride) {
      const [rx, ry] = map(x + 0.5, y + 0.5)
      if (rx < 1 || ry < 1 || rx > width - 2 || ry > height - 2) continue
      const d = frame[y * width + x]! - sample(ref, width, height, rx - 0.5, ry - 0.5)
      sum += d * d
      n++
    }
  }
  // Ignore shifts that leave too little overlap to judge.
  return n > (width * height) / (stride * stride) / 8 ? sum / n : Infinity
}

function search(lo: number, hi: number, step: number, cost: (v: number) => number): number {
  let best = lo
  let bestCost = Infinity
  for (let v = lo; v <= hi + step / 2; v += step) {
    const c = cost(v)
    if (c < bestCost) {
      bestCost = c
      best = v
    }
  }
  return best
}

/**
 * Scale of `frame` relative to `ref` about the image centre, by brute force: the scale whose
 * warp of `ref` best matches `frame` (coarse search around `guess`, then a fine one).
 */
export function estimateZoom(ref: Uint8Array, frame: Uint8Array, width: number, height: number, guess = 1): number {
  const cx = width / 2
  const cy = height / 2
  const cost = (s: number) => warpError(ref, frame, width, height, (x, y) => [cx + (x - cx) / s, cy + (y - cy) / s])
  const coarse = search(Math.max(0.8, guess - 0.05), guess + 0.15, 0.005, cost)
  return search(coarse - 0.005, coarse + 0.005, 0.0005, cost)
}

/** Horizontal and vertical content shift of `frame` relative to `ref`, in pixels (frame(p) = ref(p + d)). */
export function estimateShift(ref: Uint8Array, frame: Uint8Array, width: number, height: number): { dx: number; dy: number } {
  // Exhaustive 2-D search on a 1/4-size copy, then a sub-pixel refinement at full size.
  const small = (img: Uint8Array) => boxDownsample(img, width, height, 4)
  const [sw, sh] = [Math.floor(width / 4), Math.floor(height / 4)]
  const refSmall = small(ref)
  const frameSmall = small(frame)
  let best = { dx: 0, dy: 0, cost: Infinity }
  for (let dy = -sh / 2; dy <= sh / 2; dy++) {
    for (let dx = -sw / 2; dx <= sw / 2; dx++) {
      const cost = warpError(refSmall, frameSmall, sw, sh, (x, y) => [x + dx, y + dy], 2)
      if (cost < best.cost) best = { dx, dy, cost }
    }
  }
  const cost = (dx: number, dy: number) => warpError(ref, frame, width, height, (x, y) => [x + dx, y + dy])
  let dx = search(best.dx * 4 - 4, best.dx * 4 + 4, 0.5, (v) => cost(v, best.dy * 4))
  let dy = search(best.dy * 4 - 4, best.dy * 4 + 4, 0.5, (v) => cost(dx, v))
  dx = search(dx - 0.5, dx + 0.5, 0.05, (v) => cost(v, dy))
  dy = search(dy - 0.5, dy + 0.5, 0.05, (v) => cost(dx, v))
  return { dx, dy }
}

function boxDownsample(img: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const w = Math.floor(width / factor)
  const h = Math.floor(height / factor)
  const out = new Uint8Array(w * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0
      for (let j = 0; j < factor; j++) for (let i = 0; i < factor; i++) sum += img[(y * factor + j) * width + x * factor + i]!
      out[y * w + x] = Math.round(sum / (factor * factor))
    }
  }
  return out
}

/** Encodes raw RGB24 frames (made by `frame(i)`) into an H.264 mp4 at high quality. */
export async function writeClip(
  frame: (i: number) => Uint8Array,
  frames: number,
  width: number,
  height: number,
  fps: number,
  file: string,
  extra: string[] = [],
): Promise<void> {
  const child = spawn(
    paths.ffmpeg,
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '8', '-pix_fmt', 'yuv420p', ...extra, file],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  )
  child.stdin.on('error', () => undefined)
  for (let i = 0; i < frames; i++) {
    if (!child.stdin.write(frame(i))) await once(child.stdin, 'drain')
  }
  child.stdin.end()
  const [code] = (await once(child, 'close')) as [number]
  if (code !== 0) throw new Error(`ffmpeg could not write ${file}`)
}

/** Decodes every frame of a clip (or a still) to RGB24 at its own size. */
export async function decodeRgbFrames(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await runProcess(paths.ffmpeg, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
  const size = width * height * 3
  const frames: Uint8Array[] = []
  for (let o = 0; o + size <= stdout.length; o += size) frames.push(new Uint8Array(stdout.buffer, stdout.byteOffset + o, size))
  return frames
}

export function luma(rgb: Uint8Array): Float64Array {
  const out = new Float64Array(rgb.length / 3)
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!
  return out
}

export function meanRgb(rgb: Uint8Array): [number, number, number] {
  const sum = [0, 0, 0]
  for (let i = 0; i < rgb.length; i++) sum[i % 3]! += rgb[i]!
  const n = rgb.length / 3
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n]
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sa = 0
  let sb = 0
  for (let i = 0; i < a.length; i++) {
    sa += a[i]!
    sb += b[i]!
  }
  const ma = sa / a.length
  const mb = sb / b.length
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - ma
    const y = b[i]! - mb
    ab += x * y
    aa += x * x
    bb += y * y
  }
  return ab / Math.sqrt(aa * bb)
}

/** Central-difference gradients (x then y) of a plane, as one vector for correlating structure. */
export function gradients(plane: Float64Array, width: number, height: number): Float64Array {
  const out = new Float64Array(2 * (width - 2) * (height - 2))
  let k = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x
      out[k++] = plane[i + 1]! - plane[i - 1]!
      out[k++] = plane[i + width]! - plane[i - width]!
    }
  }
  return out
}

function bilinear(img: ArrayLike<number>, width: number, height: number, x: number, y: number): number {
  const x0 = Math.floor(x)
  const y0 = Math.floor(y)
  const fx = x - x0
  const fy = y - y0
  const i = y0 * width + x0
  return (img[i]! * (1 - fx) + img[i + 1]! * fx) * (1 - fy) + (img[i + width]! * (1 - fx) + img[i + width + 1]! * fx) * fy
}

/** Separable box blur (radius 2, applied twice: close to a Gaussian of sigma ~2). */
function blur(img: Uint8Array, width: number, height: number): Float32Array {
  let src = Float32Array.from(img)
  let dst = new Float32Array(src.length)
  for (let pass = 0; pass < 4; pass++) {
    const horizontal = pass % 2 === 0
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0
        for (let k = -2; k <= 2; k++) {
          const xx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x
          const yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k))
          sum += src[yy * width + xx]!
        }
        dst[y * width + x] = sum / 5
      }
    }
    ;[src, dst] = [dst, src]
  }
  return src
}

/**
 * The motion from gray frame `a` to `b`, to a small fraction of a pixel, by Gauss-Newton on every
 * other pixel: `zoom`: b(p) = a(c + (p − c)/s), returns s; `shift-x|y`: b(p) = a(p + d), returns d.
 * Both frames are blurred first: pixel-scale texture (even the rounding of the plate to 8 bits)
 * otherwise pulls a bilinear estimator toward whole-pixel shifts ("peak locking").
 */
export function estimateStep(a8: Uint8Array, b8: Uint8Array, width: number, height: number, model: 'zoom' | 'shift-x' | 'shift-y'): number {
  const a = blur(a8, width, height)
  const b = blur(b8, width, height)
  const cx = (width - 1) / 2
  const cy = (height - 1) / 2
  let v = model === 'zoom' ? 1 : 0
  for (let iter = 0; iter < 30; iter++) {
    let num = 0
    let den = 0
    const margin = 24
    for (let y = margin; y < height - margin; y += 2) {
      for (let x = margin + (y & 2) / 2; x < width - margin; x += 2) {
        let sx = x
        let sy = y
        if (model === 'zoom') {
          sx = cx + (x - cx) / v
          sy = cy + (y - cy) / v
        } else if (model === 'shift-x') sx = x + v
        else sy = y + v
        const av = bilinear(a, width, height, sx, sy)
        const gx = (bilinear(a, width, height, sx + 0.5, sy) - bilinear(a, width, height, sx - 0.5, sy))
        const gy = (bilinear(a, width, height, sx, sy + 0.5) - bilinear(a, width, height, sx, sy - 0.5))
        // d(sample)/d(param)
        const j = model === 'zoom' ? -(gx * (x - cx) + gy * (y - cy)) / (v * v) : model === 'shift-x' ? gx : gy
        const e = b[y * width + x]! - av
        num += j * e
        den += j * j
      }
    }
    const step = num / den
    v += step
    if (Math.abs(step) < 1e-7) break
  }
  return v
}

/**
 * @temporalio/testing (MockActivityEnvironment) is not installed, so this builds the same thing
 * it does: an activity Context in the SDK's async local storage, with a recording heartbeat.
 */
export async function runInActivity<T>(fn: () => Promise<T>, options: { cancelAfterHeartbeats?: number; activityType?: string } = {}) {
  const heartbeats: unknown[] = []
  const controller = new AbortController()
  let reject!: (e: unknown) => void
  const cancelled = new Promise<never>((_, r) => (reject = r))
  cancelled.catch(() => undefined)
  const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
  const heartbeat = (details: unknown) => {
    heartbeats.push(details)
    if (heartbeats.length === options.cancelAfterHeartbeats) {
      const failure = new CancelledFailure('CANCELLED')
      controller.abort(failure)
      reject(failure)
    }
  }
  const info = { activityId: 'test', activityType: options.activityType ?? 'test', attempt: 1 } as unknown as Info
  const ContextClass = Context as unknown as new (...args: unknown[]) => Context
  const context = new ContextClass(info, cancelled, controller.signal, heartbeat, undefined, silent, noopMetricMeter, {})
  const result = await asyncLocalStorage.run(context, fn).then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  )
  return { ...result, heartbeats }
}

/** Top-level box names of an MP4, in file order. */
export async function topLevelBoxes(file: string): Promise<string[]> {
  const bytes = await readFile(file)
  const names: string[] = []
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    names.push(bytes.toString('latin1', offset + 4, offset + 8))
    offset += bytes.readUInt32BE(offset)
  }
  return names
}
