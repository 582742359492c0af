import { AppError, type TGenerationOutput } from '@montage/core'
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compositeJob } from '../src/render/composite-job'
import { interpolateJob } from '../src/render/interpolate-job'
import { relightJob } from '../src/render/relight-job'
import { restyleJob } from '../src/render/restyle-job'
import { upscaleJob } from '../src/render/upscale-job'
import {
  createRig, decodeRgbFrames, gradients, luma, meanRgb, pearson, probe, smoothPlate, storedBlobs, writeClip, writeImage, type TTestRig,
} from './helpers'

const W = 320
const H = 180
let rig: TTestRig
let stillSha: string
let clipSha: string
const ids = { generationId: 'edit-test', workspaceId: 'ws' }

/** A textured static background with a bright disc (well above the background's luma) moving left to right. */
function movingDisc(i: number, base: Uint8Array): Uint8Array {
  const f = base.slice()
  const cx = 60 + i * 4
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = Math.hypot(x - cx, y - 70) - 28
      if (d < 1) {
        const a = Math.min(1, 1 - d) // anti-aliased edge
        const o = (y * W + x) * 3
        f[o] = Math.round(f[o]! * (1 - a) + 250 * a)
        f[o + 1] = Math.round(f[o + 1]! * (1 - a) + 235 * a)
        f[o + 2] = Math.round(f[o + 2]! * (1 - a) + 120 * a)
      }
    }
  }
  return f
}

beforeAll(async () => {
  rig = await createRig()
  const still = path.join(rig.dir, 'still.png')
  await writeImage(smoothPlate(W, H), W, H, still)
  stillSha = (await rig.store.putFile(still)).sha256
  const base = smoothPlate(W, H)
  const clip = path.join(rig.dir, 'clip.mp4')
  await writeClip((i) => movingDisc(i, base), 48, W, H, 24, clip)
  clipSha = (await rig.store.putFile(clip)).sha256
})
afterAll(async () => rig?.cleanup())

const deps = () => ({ store: rig.store, engine: rig.engine })

async function expectVideo(out: TGenerationOutput, width: number, height: number, fps: number, seconds: number) {
  const video = await probe(rig.store.blobPath(out.assetSha256))
  expect(video.stream).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width, height, r_frame_rate: `${fps}/1` })
  expect(Math.abs(video.durationSeconds - seconds)).toBeLessThanOrEqual(0.1)
  expect(out).toMatchObject({ mimeType: 'video/mp4', width, height, fps, durationSeconds: seconds })
  const poster = await probe(rig.store.blobPath(out.posterSha256))
  expect(poster.stream).toMatchObject({ codec_name: 'mjpeg', width, height })
}

describe('relight', () => {
  // Where each look should pull the mean colour (a person's idea of it, not the engine's table).
  const targets = {
    golden_hour: [255, 170, 80],
    blue_hour: [50, 80, 170],
    night: [10, 20, 50],
    overcast: [150, 150, 155],
    neon: [220, 40, 220],
  } as const
  it.each(Object.keys(targets) as (keyof typeof targets)[])('%s keeps structure and moves the mean colour toward the look', async (preset) => {
    const out = await relightJob(deps(), { ...ids, sourceSha256: stillSha, params: { preset, direction: 135, intensity: 0.8 } })
    expect(out).toMatchObject({ mimeType: 'image/png', width: W, height: H, durationSeconds: 0, fps: 0 })
    const [src] = await decodeRgbFrames(rig.store.blobPath(stillSha), W, H)
    const [dst] = await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)
    const structure = pearson(gradients(luma(src!), W, H), gradients(luma(dst!), W, H))
    const dist = (m: number[]) => Math.hypot(...m.map((v, c) => v - targets[preset][c]!))
    const before = dist(meanRgb(src!))
    const after = dist(meanRgb(dst!))
    console.info(`relight ${preset}: gradient correlation ${structure.toFixed(3)}, distance to look ${before.toFixed(1)} → ${after.toFixed(1)}`)
    expect(structure).toBeGreaterThanOrEqual(0.9)
    expect(after).toBeLessThan(before * 0.9)
  })

  it('lights the side the light comes from', async () => {
    const out = await relightJob(deps(), { ...ids, sourceSha256: stillSha, params: { preset: 'golden_hour', direction: 0, intensity: 1 } })
    const [src] = await decodeRgbFrames(rig.store.blobPath(stillSha), W, H)
    const [dst] = await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)
    const side = (img: Uint8Array, right: boolean) => {
      let s = 0
      for (let y = 0; y < H; y++) for (let x = right ? W - 60 : 0; x < (right ? W : 60); x++) s += luma(img.subarray((y * W + x) * 3, (y * W + x) * 3 + 3))[0]!
      return s
    }
    // Light from the right (0°): the right side gains on the left side.
    expect(side(dst!, true) / side(dst!, false)).toBeGreaterThan((side(src!, true) / side(src!, false)) * 1.2)
  })

  it('relights a clip into an H.264 clip of the same size, rate and length', async () => {
    const out = await relightJob(deps(), { ...ids, sourceSha256: clipSha, params: { preset: 'night', direction: 90, intensity: 1 } })
    await expectVideo(out, W, H, 24, 2)
  })
})

describe('relight within a focus (edit from comment)', () => {
  it('changes only the region, only within the time range; every other pixel keeps the source', async () => {
    // 0.5–1.0 s of the 2 s clip (frames 12–24), inside a box at x 160–240, y 90–162.
    const focus = { startSeconds: 0.5, endSeconds: 1, region: { shape: 'rect' as const, x: 0.5, y: 0.5, w: 0.25, h: 0.4 } }
    const out = await relightJob(deps(), { ...ids, sourceSha256: clipSha, params: { preset: 'night', direction: 90, intensity: 1 }, focus })
    await expectVideo(out, W, H, 24, 2)
    const src = await decodeRgbFrames(rig.store.blobPath(clipSha), W, H)
    const dst = await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)
    expect(dst).toHaveLength(48)
    // Mean absolute difference over pixels inside (or outside) the box, kept 4 px clear of its edge
    // where chroma subsampling blends the two sides.
    const diff = (i: number, inside: boolean) => {
      let sum = 0
      let n = 0
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inBox = x >= 164 && x < 236 && y >= 94 && y < 158
          const outBox = x < 156 || x >= 244 || y < 86 || y >= 166
          if (inside ? !inBox : !outBox) continue
          const o = (y * W + x) * 3
          for (let c = 0; c < 3; c++) sum += Math.abs(src[i]![o + c]! - dst[i]![o + c]!)
          n += 3
        }
      }
      return sum / n
    }
    const outsideRange = [0, 5, 10, 27, 35, 47]
    const insideRange = [13, 18, 23]
    // Unchanged up to re-encoding noise: far below what a night relight does.
    for (const i of outsideRange) expect(Math.max(diff(i, true), diff(i, false)), `frame ${i}`).toBeLessThan(3)
    for (const i of insideRange) {
      expect(diff(i, false), `frame ${i} outside the region`).toBeLessThan(3)
      expect(diff(i, true), `frame ${i} inside the region`).toBeGreaterThan(20)
    }
  })
})

describe('restyle', () => {
  it.each(['anime', 'film_noir', 'watercolor', 'comic'] as const)('%s keeps the motion and does not flicker', async (preset) => {
    const out = await restyleJob(deps(), { ...ids, sourceSha256: clipSha, params: { preset, strength: 1 } })
    await expectVideo(out, W, H, 24, 2)
    const src = (await decodeRgbFrames(rig.store.blobPath(clipSha), W, H)).map(luma)
    const dst = (await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)).map(luma)
    expect(dst).toHaveLength(48)
    // Frame-to-frame differences, all frames together, source against output.
    const diffs = (frames: Float64Array[]) => {
      const d = new Float64Array((frames.length - 1) * W * H)
      for (let i = 1; i < frames.length; i++) for (let p = 0; p < W * H; p++) d[(i - 1) * W * H + p] = frames[i]![p]! - frames[i - 1]![p]!
      return d
    }
    const motion = pearson(diffs(src), diffs(dst))
    // Flicker: mean absolute change of a region the disc never reaches (the bottom 50 rows).
    let flicker = 0
    for (let i = 1; i < dst.length; i++) for (let p = 130 * W; p < W * H; p++) flicker += Math.abs(dst[i]![p]! - dst[i - 1]![p]!)
    flicker /= (dst.length - 1) * 50 * W
    console.info(`restyle ${preset}: motion correlation ${motion.toFixed(3)}, static-region flicker ${flicker.toFixed(3)} levels`)
    expect(motion).toBeGreaterThanOrEqual(0.9)
    expect(flicker).toBeLessThan(1)
  })
})

describe('upscale', () => {
  it('2× a clip: twice the size, same rate and length, and the same picture', async () => {
    const out = await upscaleJob(deps(), { ...ids, sourceSha256: clipSha, params: { factor: 2 } })
    await expectVideo(out, W * 2, H * 2, 24, 2)
    const [src] = await decodeRgbFrames(rig.store.blobPath(stillSha), W, H)
    const up = await upscaleJob(deps(), { ...ids, sourceSha256: stillSha, params: { factor: 4 } })
    expect(up).toMatchObject({ width: W * 4, height: H * 4, mimeType: 'image/png' })
    const [big] = await decodeRgbFrames(rig.store.blobPath(up.assetSha256), W * 4, H * 4)
    // Averaging each 4×4 block gives the source back.
    let err = 0
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0
          for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) s += big![((y * 4 + j) * W * 4 + x * 4 + i) * 3 + c]!
          err += Math.abs(s / 16 - src![(y * W + x) * 3 + c]!)
        }
      }
    }
    expect(err / (W * H * 3)).toBeLessThan(2)
  })
})

describe('interpolate', () => {
  it('24 → 48 fps: same length, originals kept, in-betweens halfway along the motion', async () => {
    const out = await interpolateJob(deps(), { ...ids, sourceSha256: clipSha, params: { factor: 2 } })
    await expectVideo(out, W, H, 48, 2)
    const src = (await decodeRgbFrames(rig.store.blobPath(clipSha), W, H)).map(luma)
    const dst = (await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)).map(luma)
    expect(dst).toHaveLength(96)
    const mad = (a: Float64Array, b: (p: number) => number) => {
      let s = 0
      for (let p = 0; p < a.length; p++) s += Math.abs(a[p]! - b(p))
      return s / a.length
    }
    const base = smoothPlate(W, H)
    for (let i = 1; i < src.length; i += 7) {
      expect(mad(dst[2 * i]!, (p) => src[i]![p]!)).toBeLessThan(1.5)
      // Each in-between is as close to the disc drawn halfway between frames i − 1 and i as the
      // kept frame i is to the disc drawn at i (both carry two encodes' loss, ~2.6 here);
      // interpolate.test.ts measures the motion in detail.
      const [halfway, whole] = [luma(movingDisc(i - 0.5, base)), luma(movingDisc(i, base))]
      expect(mad(dst[2 * i - 1]!, (p) => halfway[p]!)).toBeLessThan(mad(dst[2 * i]!, (p) => whole[p]!) + 0.3)
    }
  })
})

describe('composite', () => {
  let plateSha: string
  let fgSha: string
  let greenSha: string
  beforeAll(async () => {
    // A warm environment, and a grey disc on transparency; and the same disc on a green screen.
    const plate = new Uint8Array(W * H * 3)
    const fg = new Uint8Array(W * H * 4)
    const green = new Uint8Array(W * H * 3)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        plate.set([200, 120 + (x * 40) / W, 50], i * 3)
        const inside = Math.hypot(x - W / 2, y - H / 2) < 50
        fg.set(inside ? [128, 128, 128, 255] : [0, 0, 0, 0], i * 4)
        green.set(inside ? [128, 128, 128] : [0, 255, 0], i * 3)
      }
    }
    const put = async (rgb: Uint8Array, name: string, rgba = false) => {
      const file = path.join(rig.dir, name)
      const raw = path.join(rig.dir, `${name}.raw`)
      await writeFile(raw, rgb)
      const { runProcess } = await import('../src/ffmpeg/run-process')
      await runProcess((await import('./helpers')).paths.ffmpeg, ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', rgba ? 'rgba' : 'rgb24', '-s', `${W}x${H}`, '-i', raw, '-frames:v', '1', file])
      return (await rig.store.putFile(file)).sha256
    }
    plateSha = await put(plate, 'env.png')
    fgSha = await put(fg, 'fg.png', true)
    greenSha = await put(green, 'green.png')
  })

  const inside = (img: Uint8Array) => meanRgb(img.subarray(((H / 2) * W + W / 2 - 20) * 3, ((H / 2) * W + W / 2 + 20) * 3))
  const corner = (img: Uint8Array) => meanRgb(img.subarray(0, 20 * 3))

  it.each([
    ['alpha', () => fgSha],
    ['chroma', () => greenSha],
  ] as const)('%s: the plate shows around the foreground, whose colour moves toward the plate', async (key, fg) => {
    const out = await compositeJob(deps(), { ...ids, foregroundSha256: fg(), backgroundSha256: plateSha, params: { key, keyColor: '#00ff00', similarity: 0.25, softness: 0.1, match: 0.6 } })
    expect(out).toMatchObject({ mimeType: 'image/png', width: W, height: H })
    const [img] = await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)
    const c = corner(img!)
    expect(Math.abs(c[0] - 200) + Math.abs(c[1] - 120) + Math.abs(c[2] - 50)).toBeLessThan(6)
    const m = inside(img!)
    // Grey (128,128,128) under a warm plate: warmer, red above blue, and still a foreground (not the plate).
    expect(m[0] - m[2]).toBeGreaterThan(40)
    expect(Math.abs(m[0] - 200) + Math.abs(m[2] - 50)).toBeGreaterThan(30)
  })

  it('a foreground over a clip makes a clip as long as the clip', async () => {
    const out = await compositeJob(deps(), { ...ids, foregroundSha256: fgSha, backgroundSha256: clipSha, params: { key: 'alpha', keyColor: '#00ff00', similarity: 0.25, softness: 0.1, match: 0.6 } })
    await expectVideo(out, W, H, 24, 2)
  })

  it('refuses alpha keying of a foreground without alpha, naming params.key', async () => {
    const before = await storedBlobs(rig.store)
    const error = await compositeJob(deps(), { ...ids, foregroundSha256: greenSha, backgroundSha256: plateSha, params: { key: 'alpha', keyColor: '#00ff00', similarity: 0.25, softness: 0.1, match: 0.6 } }).catch((e: unknown) => e)
    expect((error as AppError).code).toBe('BAD_REQUEST')
    expect((error as AppError).field).toBe('params.key')
    expect(await storedBlobs(rig.store)).toEqual(before)
    expect(await readdir(rig.workDir)).toEqual([])
  })
})
