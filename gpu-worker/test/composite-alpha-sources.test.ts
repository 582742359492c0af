import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compositeJob } from '../src/render/composite-job'
import { probeMedia } from '../src/ffmpeg/probe-media'
import { runProcess } from '../src/ffmpeg/run-process'
import { createRig, decodeRgbFrames, meanRgb, paths, probe, writeClip, type TTestRig } from './helpers'

// Foregrounds that carry alpha in each container a person brings (PNG, ProRes 4444, VP9 in WebM),
// over a plate clip of another frame rate and length.
const W = 320
const H = 180
let rig: TTestRig
let plateSha: string
const ids = { generationId: 'alpha-test', workspaceId: 'ws' }
const params = { key: 'alpha' as const, keyColor: '#00ff00', similarity: 0.25, softness: 0.1, match: 0 }

/** The plate: a blue field whose green rises frame by frame (so a frame's place in time shows). */
const plateFrame = (i: number) => {
  const f = new Uint8Array(W * H * 3)
  for (let p = 0; p < W * H; p++) f.set([30, 40 + i * 2, 200], p * 3)
  return f
}
/** The foreground: an opaque orange square in the middle, transparent elsewhere. */
const FG = { x0: 110, y0: 40, x1: 210, y1: 140, rgb: [240, 140, 20] }
const fgRgba = () => {
  const f = new Uint8Array(W * H * 4)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inside = x >= FG.x0 && x < FG.x1 && y >= FG.y0 && y < FG.y1
      f.set(inside ? [...FG.rgb, 255] : [0, 0, 0, 0], (y * W + x) * 4)
    }
  }
  return f
}

/** Writes the RGBA foreground as a still or a clip of `frames` frames at `fps`, encoded with `codec`. */
async function writeForeground(name: string, codecArgs: string[], clip?: { fps: number; seconds: number }): Promise<string> {
  const raw = path.join(rig.dir, `${name}.rgba`)
  await writeFile(raw, fgRgba())
  const file = path.join(rig.dir, name)
  const input = clip ? ['-framerate', String(clip.fps), '-stream_loop', '-1'] : []
  const length = clip ? ['-frames:v', String(clip.fps * clip.seconds)] : ['-frames:v', '1']
  await runProcess(paths.ffmpeg, ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${W}x${H}`, ...input, '-i', raw, ...length, ...codecArgs, file])
  return (await rig.store.putFile(file)).sha256
}

/** Mean colour of a box of an RGB frame. */
function boxMean(img: Uint8Array, box: { x0: number; y0: number; x1: number; y1: number }): [number, number, number] {
  const rows: number[] = []
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) rows.push(...img.subarray((y * W + x) * 3, (y * W + x) * 3 + 3))
  return meanRgb(Uint8Array.from(rows))
}
const near = (a: number[], b: number[], tolerance: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance)
const INSIDE = { x0: FG.x0 + 8, y0: FG.y0 + 8, x1: FG.x1 - 8, y1: FG.y1 - 8 }
const OUTSIDE = { x0: 8, y0: 8, x1: 60, y1: 60 }

beforeAll(async () => {
  rig = await createRig()
  const plate = path.join(rig.dir, 'plate.mp4')
  await writeClip(plateFrame, 75, W, H, 25, plate) // 3 s at 25 fps
  plateSha = (await rig.store.putFile(plate)).sha256
})
afterAll(async () => rig?.cleanup())

describe('composite: foregrounds with alpha in every container', () => {
  it.each([
    ['an RGBA PNG still', 'fg.png', [] as string[], undefined],
    ['a ProRes 4444 clip at 12 fps, 1 s', 'fg.mov', ['-c:v', 'prores_ks', '-profile:v', '4444', '-pix_fmt', 'yuva444p10le'], { fps: 12, seconds: 1 }],
    ['a VP9 WebM with alpha at 30 fps, 2 s', 'fg.webm', ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuva420p', '-b:v', '1M'], { fps: 30, seconds: 2 }],
  ] as const)('%s over a 3 s, 25 fps plate: the plate sets rate and length; the foreground inside its alpha, the plate outside', async (_what, name, codec, clip) => {
    const fgSha = await writeForeground(name, [...codec], clip)
    const info = await probeMedia(paths.ffprobe, rig.store.blobPath(fgSha), 'fg')
    expect(info.hasAlpha).toBe(true)
    const out = await compositeJob({ store: rig.store, engine: rig.engine }, { ...ids, foregroundSha256: fgSha, backgroundSha256: plateSha, params })
    expect(out).toMatchObject({ mimeType: 'video/mp4', width: W, height: H, fps: 25, durationSeconds: 3 })
    const video = await probe(rig.store.blobPath(out.assetSha256))
    expect(video.stream.r_frame_rate).toBe('25/1')
    const frames = await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)
    expect(frames).toHaveLength(75)
    // First, middle and last frame (the foreground clip ended long before the last one).
    for (const i of [0, 37, 74]) {
      expect(near(boxMean(frames[i]!, INSIDE), FG.rgb, 8)).toBe(true)
      expect(near(boxMean(frames[i]!, OUTSIDE), [...plateFrame(i).subarray(0, 3)], 8)).toBe(true)
    }
  })

  it('a foreground clip over a still plate: the clip sets rate and length', async () => {
    const still = path.join(rig.dir, 'plate.png')
    await writeFile(`${still}.rgb`, plateFrame(10))
    await runProcess(paths.ffmpeg, ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-i', `${still}.rgb`, '-frames:v', '1', still])
    const stillSha = (await rig.store.putFile(still)).sha256
    const fgSha = await writeForeground('fg2.mov', ['-c:v', 'prores_ks', '-profile:v', '4444', '-pix_fmt', 'yuva444p10le'], { fps: 12, seconds: 2 })
    const out = await compositeJob({ store: rig.store, engine: rig.engine }, { ...ids, foregroundSha256: fgSha, backgroundSha256: stillSha, params })
    expect(out).toMatchObject({ mimeType: 'video/mp4', fps: 12, durationSeconds: 2 })
    const [first] = await decodeRgbFrames(rig.store.blobPath(out.assetSha256), W, H)
    expect(near(boxMean(first!, INSIDE), FG.rgb, 8)).toBe(true)
    expect(near(boxMean(first!, OUTSIDE), [...plateFrame(10).subarray(0, 3)], 8)).toBe(true)
  })
})
