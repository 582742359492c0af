import type { TPrevizParams, TRenderPrevizInput } from '@montage/core'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderPrevizJob } from '../src/render/render-previz-job'
import { createRig, decodeGrayFrames, estimateShift, estimateStep, smoothPlate, writeImage, type TTestRig } from './helpers'

/*
 * The 2.5D moves on a generated layered scene: a textured card (the foreground, marked on the plate
 * with a drawn rectangle) in front of a different texture, so the motion of each layer can be
 * measured on its own part of the frame.
 */
/** The size frames are decoded at for measuring (the clips are 1280×720); set by `render`. */
let W = 640
let H = 360
const FG = { shape: 'rect' as const, x: 0.3, y: 0.25, w: 0.4, h: 0.5 }

function layeredPlate(width: number, height: number): Uint8Array {
  const rgb = smoothPlate(width, height)
  for (let y = Math.round(FG.y * height); y < Math.round((FG.y + FG.h) * height); y++) {
    for (let x = Math.round(FG.x * width); x < Math.round((FG.x + FG.w) * width); x++) {
      const v = Math.sin(x / 23 + y / 41) * Math.cos(y / 17 - x / 53) + 0.5 * Math.sin(Math.hypot(x - 700, y - 500) / 11)
      const i = (y * width + x) * 3
      rgb[i] = Math.max(0, Math.min(255, Math.round(128 + 80 * v)))
      rgb[i + 1] = Math.max(0, Math.min(255, Math.round(110 - 70 * v)))
      rgb[i + 2] = Math.max(0, Math.min(255, Math.round(200 + 50 * v)))
    }
  }
  return rgb
}

let rig: TTestRig
let plateSha: string
beforeAll(async () => {
  rig = await createRig()
  const file = path.join(rig.dir, 'layered.png')
  await writeImage(layeredPlate(1920, 1080), 1920, 1080, file)
  plateSha = (await rig.store.putFile(file)).sha256
})
afterAll(async () => rig?.cleanup())

async function render(params: Partial<TPrevizParams>, size: [number, number] = [640, 360], layerSha256?: string): Promise<Uint8Array[]> {
  ;[W, H] = size
  const input: TRenderPrevizInput = { generationId: 'layered', workspaceId: 'ws', plateSha256: plateSha, params: { duration: 2, zoom: 1.3, ...params }, ...(layerSha256 ? { layerSha256 } : {}) }
  const out = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input)
  return decodeGrayFrames(rig.store.blobPath(out.assetSha256), W, H)
}

/** The part of a gray frame inside a box given in frame fractions. */
function crop(frame: Uint8Array, box: { x0: number; y0: number; x1: number; y1: number }): { pixels: Uint8Array; width: number; height: number } {
  const [x0, y0, x1, y1] = [Math.round(box.x0 * W), Math.round(box.y0 * H), Math.round(box.x1 * W), Math.round(box.y1 * H)]
  const pixels = new Uint8Array((x1 - x0) * (y1 - y0))
  for (let y = y0; y < y1; y++) pixels.set(frame.subarray(y * W + x0, y * W + x1), (y - y0) * (x1 - x0))
  return { pixels, width: x1 - x0, height: y1 - y0 }
}

function shiftIn(a: Uint8Array, b: Uint8Array, box: Parameters<typeof crop>[1]) {
  const [ca, cb] = [crop(a, box), crop(b, box)]
  return estimateShift(ca.pixels, cb.pixels, ca.width, ca.height)
}

function stepIn(a: Uint8Array, b: Uint8Array, box: Parameters<typeof crop>[1], model: 'shift-x' | 'shift-y' | 'zoom') {
  const [ca, cb] = [crop(a, box), crop(b, box)]
  return estimateStep(ca.pixels, cb.pixels, ca.width, ca.height, model)
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum / a.length
}

/** Largest deviation of the increments from their mean, in pixels. */
function jitter(increments: number[]): number {
  const mean = increments.reduce((a, b) => a + b, 0) / increments.length
  return Math.max(...increments.map((v) => Math.abs(v - mean)))
}

/**
 * The scale of `b` against `a` about the frame centre, measured only inside `box` (frame fractions):
 * b(p) = a(c + (p − c)/s), by a coarse then a fine search.
 */
function zoomIn(a: Uint8Array, b: Uint8Array, box: Parameters<typeof crop>[1], guess: number): number {
  const [cx, cy] = [W / 2, H / 2]
  const cost = (s: number) => {
    let sum = 0
    let n = 0
    for (let y = Math.round(box.y0 * H); y < Math.round(box.y1 * H); y += 2) {
      for (let x = Math.round(box.x0 * W); x < Math.round(box.x1 * W); x += 2) {
        const sx = cx + (x + 0.5 - cx) / s - 0.5
        const sy = cy + (y + 0.5 - cy) / s - 0.5
        if (sx < 0 || sy < 0 || sx > W - 2 || sy > H - 2) continue
        const x0 = Math.floor(sx)
        const y0 = Math.floor(sy)
        const [fx, fy] = [sx - x0, sy - y0]
        const i = y0 * W + x0
        const v = (a[i]! * (1 - fx) + a[i + 1]! * fx) * (1 - fy) + (a[i + W]! * (1 - fx) + a[i + W + 1]! * fx) * fy
        sum += (b[y * W + x]! - v) ** 2
        n++
      }
    }
    return sum / n
  }
  const best = (lo: number, hi: number, step: number) => {
    let arg = lo
    for (let s = lo; s <= hi + step / 2; s += step) if (cost(s) < cost(arg)) arg = s
    return arg
  }
  const coarse = best(guess - 0.1, guess + 0.1, 0.01)
  return best(coarse - 0.01, coarse + 0.01, 0.001)
}

// At t = 0 an orbit, arc or crane frames the middle 1/1.3 of the plate, so the card (0.3..0.7 ×
// 0.25..0.75 of the plate) spans about 0.24..0.76 × 0.18..0.82 of the frame.
const CARD = { x0: 0.33, y0: 0.3, x1: 0.67, y1: 0.7 }
const SKY = { x0: 0.02, y0: 0.01, x1: 0.98, y1: 0.15 }

describe('2.5D previz: orbit and arc', () => {
  it('orbit: the near layer moves more than the far one, and a full orbit comes back to its first frame', async () => {
    const frames = await render({ cameraMove: 'orbit', easing: 'linear', layers: { source: 'region', region: FG } })
    expect(frames).toHaveLength(48)
    // A few frames in, before the card has swung out of its own box.
    const near = shiftIn(frames[0]!, frames[3]!, CARD)
    const far = shiftIn(frames[0]!, frames[3]!, SKY)
    console.info(`orbit, frame 3: near layer ${near.dx.toFixed(2)} px, far layer ${far.dx.toFixed(2)} px`)
    expect(near.dx).toBeGreaterThan(10)
    expect(far.dx).toBeGreaterThan(1)
    expect(Math.sign(far.dx)).toBe(Math.sign(near.dx))
    expect(near.dx).toBeGreaterThan(2 * far.dx)
    // Sideways only.
    expect(Math.abs(near.dy)).toBeLessThan(1)

    const back = meanAbsDiff(frames[0]!, frames.at(-1)!)
    const halfway = meanAbsDiff(frames[0]!, frames[24]!)
    console.info(`orbit: first vs last frame ${back.toFixed(2)} gray levels, first vs half way ${halfway.toFixed(2)}`)
    expect(back).toBeLessThan(2)
    expect(halfway).toBeGreaterThan(10 * back)
  }, 120_000)

  it('arc_right sweeps the near layer across further than the far one, content moving left', async () => {
    const frames = await render({ cameraMove: 'arc_right', layers: { source: 'region', region: { shape: 'polygon', points: [[0.3, 0.25], [0.7, 0.25], [0.7, 0.75], [0.3, 0.75]] } } })
    const near = shiftIn(frames[22]!, frames[26]!, CARD)
    const far = shiftIn(frames[22]!, frames[26]!, SKY)
    expect(near.dx).toBeGreaterThan(2 * far.dx)
    expect(far.dx).toBeGreaterThan(0.5)
  }, 120_000)
})

describe('2.5D previz: layers from a matte or a depth map beside the plate', () => {
  /** An image the plate's size: `near` inside the card, `far` outside. */
  async function beside(name: string, near: number, far: number): Promise<string> {
    const [w, h] = [960, 540]
    const rgb = new Uint8Array(w * h * 3).fill(far)
    for (let y = Math.round(FG.y * h); y < Math.round((FG.y + FG.h) * h); y++) rgb.fill(near, (y * w + Math.round(FG.x * w)) * 3, (y * w + Math.round((FG.x + FG.w) * w)) * 3)
    const file = path.join(rig.dir, name)
    await writeImage(rgb, w, h, file)
    return (await rig.store.putFile(file)).sha256
  }

  it.each([
    ['matte', 255, 0],
    ['depth', 230, 40],
  ] as const)('an orbit over layers from a %s moves the card more than the background', async (source, near, far) => {
    const sha = await beside(`${source}.png`, near, far)
    const frames = await render({ cameraMove: 'orbit', easing: 'linear', layers: { source } }, [640, 360], sha)
    const card = shiftIn(frames[0]!, frames[3]!, CARD)
    const sky = shiftIn(frames[0]!, frames[3]!, SKY)
    console.info(`orbit over a ${source}: near layer ${card.dx.toFixed(2)} px, far ${sky.dx.toFixed(2)} px`)
    expect(card.dx).toBeGreaterThan(10)
    expect(card.dx).toBeGreaterThan(2 * sky.dx)
    expect(sky.dx).toBeGreaterThan(1)
  }, 120_000)

  it('refuses a depth map that is not in the store, naming it, before rendering anything', async () => {
    const missing = 'c'.repeat(64)
    const error = await renderPrevizJob(
      { store: rig.store, engine: rig.engine },
      { generationId: 'layered', workspaceId: 'ws', plateSha256: plateSha, layerSha256: missing, params: { duration: 2, cameraMove: 'orbit', layers: { source: 'depth' } } },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toMatch(new RegExp(`depth map asset ${missing} is not in the asset store`))
  })
})

describe('2.5D previz: crane', () => {
  it('crane_up: layers move down the frame, the near one faster, each at an even speed (linear easing)', async () => {
    const frames = await render({ cameraMove: 'crane_up', easing: 'linear', layers: { source: 'region', region: FG } }, [1280, 720])
    const LEFT = { x0: 0.01, y0: 0.05, x1: 0.2, y1: 0.95 }
    const CARD_MIDDLE = { x0: 0.33, y0: 0.36, x1: 0.67, y1: 0.64 }
    const farSteps = frames.slice(1).map((f, i) => stepIn(frames[i]!, f, LEFT, 'shift-y'))
    const nearSteps = frames.slice(1).map((f, i) => stepIn(frames[i]!, f, CARD_MIDDLE, 'shift-y'))
    const total = (v: number[]) => v.reduce((a, b) => a + b, 0)
    console.info(
      `crane up: far layer ${total(farSteps).toFixed(2)} px (step jitter ${jitter(farSteps).toFixed(3)} px), near ${total(nearSteps).toFixed(2)} px (jitter ${jitter(nearSteps).toFixed(3)} px)`,
    )
    // The far layer's 1/1.3 window travels 0.3 of the near one's 2·(1 − 1/1.3)/2 of the plate; the
    // content moves down, so frame(p) = previous(p + d) with d < 0.
    const nearTravel = (1 - 1 / 1.3) * 1.3 * H
    expect(total(nearSteps)).toBeCloseTo(-nearTravel, -0.5)
    expect(total(farSteps)).toBeCloseTo(-0.3 * nearTravel, -0.5)
    // Even speed: no frame's step is off the mean by more than half a pixel at 720p (the
    // encoder's own frame-to-frame noise is a third of that; a whole-pixel snap would be 1 px).
    expect(jitter(farSteps)).toBeLessThan(0.5)
    expect(jitter(nearSteps)).toBeLessThan(0.5)
  }, 180_000)
})

describe('2.5D previz: dolly zoom', () => {
  it('dolly_zoom_in: the subject keeps its size while the background grows by the zoom', async () => {
    const frames = await render({ cameraMove: 'dolly_zoom_in', zoom: 1.3, layers: { source: 'region', region: FG } })
    // At t = 0 the whole plate: the card spans 0.3..0.7 × 0.25..0.75 of the frame.
    const inner = { x0: 0.35, y0: 0.3, x1: 0.65, y1: 0.7 }
    const around = [
      { x0: 0.02, y0: 0.02, x1: 0.98, y1: 0.18 },
      { x0: 0.02, y0: 0.82, x1: 0.98, y1: 0.98 },
    ]
    let bgGuess = 1
    const sizes: number[] = []
    for (const i of [12, 24, 36, 47]) {
      const subject = zoomIn(frames[0]!, frames[i]!, inner, 1)
      bgGuess = zoomIn(frames[0]!, frames[i]!, around[0]!, bgGuess)
      const bottom = zoomIn(frames[0]!, frames[i]!, around[1]!, bgGuess)
      console.info(`dolly zoom, frame ${i}: subject ×${subject.toFixed(3)}, background ×${bgGuess.toFixed(3)} (top) ×${bottom.toFixed(3)} (bottom)`)
      expect(Math.abs(subject - 1)).toBeLessThan(0.01)
      expect(Math.abs(bottom - bgGuess)).toBeLessThan(0.01)
      sizes.push(bgGuess)
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes)
    expect(sizes.at(-1)!).toBeGreaterThan(1.3 * 0.98)
    expect(sizes.at(-1)!).toBeLessThan(1.3 * 1.02)
  }, 120_000)
})

/** The plate's luma inside `rect` (plate fractions, square in fractions), box-sampled to W×H. */
function expectedFrame(plate: Uint8Array, pw: number, ph: number, rect: { x: number; y: number; size: number }): Uint8Array {
  const out = new Uint8Array(W * H)
  const sx = (rect.size * pw) / W
  const sy = (rect.size * ph) / H
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sum = 0
      let n = 0
      for (let py = Math.floor(rect.y * ph + y * sy); py < Math.floor(rect.y * ph + (y + 1) * sy); py++) {
        for (let px = Math.floor(rect.x * pw + x * sx); px < Math.floor(rect.x * pw + (x + 1) * sx); px++) {
          const i = (py * pw + px) * 3
          sum += 0.299 * plate[i]! + 0.587 * plate[i + 1]! + 0.114 * plate[i + 2]!
          n++
        }
      }
      out[y * W + x] = Math.round(sum / n)
    }
  }
  return out
}

describe('keyframed move', () => {
  it('a push-in while panning starts and ends on the framings drawn on the plate', async () => {
    const start = { t: 0, x: 0.05, y: 0.1, size: 0.85 }
    const end = { t: 1, x: 0.45, y: 0.4, size: 0.5 }
    const frames = await render({ cameraMove: 'keyframes', keyframes: [start, end] })
    const plate = layeredPlate(1920, 1080)
    const first = meanAbsDiff(frames[0]!, expectedFrame(plate, 1920, 1080, start))
    const last = meanAbsDiff(frames.at(-1)!, expectedFrame(plate, 1920, 1080, end))
    // The same frames against framings a little off (a tenth of the plate to the side).
    const offFirst = meanAbsDiff(frames[0]!, expectedFrame(plate, 1920, 1080, { ...start, x: start.x + 0.1 }))
    const offLast = meanAbsDiff(frames.at(-1)!, expectedFrame(plate, 1920, 1080, { ...end, x: end.x - 0.1 }))
    console.info(`keyframes: first frame vs start framing ${first.toFixed(2)} (off by 0.1: ${offFirst.toFixed(2)}), last vs end ${last.toFixed(2)} (off: ${offLast.toFixed(2)})`)
    expect(first).toBeLessThan(3)
    expect(last).toBeLessThan(3)
    expect(offFirst).toBeGreaterThan(5 * first)
    expect(offLast).toBeGreaterThan(5 * last)
  }, 120_000)
})
