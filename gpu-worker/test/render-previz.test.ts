import { AppError, STRIP_FRAME_WIDTH, STRIP_FRAMES, type TRenderPrevizInput } from '@montage/core'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderPrevizJob } from '../src/render/render-previz-job'
import { createRig, decodeGrayFrames, estimateShift, estimateZoom, probe, smoothPlate, storedBlobs, writeImage, type TTestRig } from './helpers'

const GENERATION_ID = '6f1c2b1e-7d1a-4a43-9c55-0d2c3f1b9a10'
const WORKSPACE_ID = '0b8e5b9e-2a57-4c1e-8d3e-5f6a7b8c9d0e'

let rig: TTestRig
let plateSha: string

beforeAll(async () => {
  rig = await createRig()
  const file = path.join(rig.dir, 'plate.png')
  await writeImage(smoothPlate(1920, 1080), 1920, 1080, file)
  plateSha = (await rig.store.putFile(file)).sha256
})
afterAll(async () => rig?.cleanup())

function input(params: TRenderPrevizInput['params'], plateSha256 = plateSha): TRenderPrevizInput {
  return { generationId: GENERATION_ID, workspaceId: WORKSPACE_ID, plateSha256, params }
}

describe('renderPrevizJob', () => {
  let pushIn: Awaited<ReturnType<typeof renderPrevizJob>>

  it('renders a 2 s 1280×720 H.264 push-in and a JPEG poster', async () => {
    const progress: number[] = []
    pushIn = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2, cameraMove: 'push_in', zoom: 1.3 }), {
      onProgress: (p) => progress.push(p.progress),
    })
    expect(pushIn).toMatchObject({ mimeType: 'video/mp4', width: 1280, height: 720, fps: 24, durationSeconds: 2 })

    const video = await probe(rig.store.blobPath(pushIn.assetSha256))
    expect(video.formatName).toContain('mp4')
    expect(video.stream).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 1280, height: 720, r_frame_rate: '24/1' })
    expect(Math.abs(video.durationSeconds - 2)).toBeLessThanOrEqual(0.1)
    expect(pushIn.byteSize).toBe(await rig.store.size(pushIn.assetSha256))

    const poster = await probe(rig.store.blobPath(pushIn.posterSha256))
    expect(poster.stream).toMatchObject({ codec_name: 'mjpeg', width: 1280, height: 720 })

    expect(progress.at(-1)).toBe(1)
    expect([...progress].sort((a, b) => a - b)).toEqual(progress)
    // Scratch files are gone once the clip is stored.
    expect(await readdir(rig.workDir)).toEqual([])
  })

  it('renders each aspect at 1080p when asked (1920×1080, 1080×1920, 1080×1080), with a 720p web proxy', async () => {
    for (const [aspectRatio, width, height, proxy] of [
      ['16:9', 1920, 1080, [1280, 720]],
      ['9:16', 1080, 1920, [720, 1280]],
      ['1:1', 1080, 1080, [720, 720]],
    ] as const) {
      const out = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2, aspectRatio, resolution: '1080p', cameraMove: 'pan_left' }))
      expect(out).toMatchObject({ width, height, fps: 24, durationSeconds: 2 })
      const video = await probe(rig.store.blobPath(out.assetSha256))
      expect(video.stream).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width, height, r_frame_rate: '24/1' })
      expect(await probe(rig.store.blobPath(out.proxySha256!))).toMatchObject({ stream: { width: proxy[0], height: proxy[1] } })
    }
  })

  it('stores a hover-scrub strip of the clip: STRIP_FRAMES stills of STRIP_FRAME_WIDTH px side by side, changing as the camera pushes in', async () => {
    expect(pushIn.stripFrames).toBe(STRIP_FRAMES)
    const strip = await probe(rig.store.blobPath(pushIn.stripSha256!))
    // 16:9 tiles of 160 px: 90 px tall.
    expect(strip.stream).toMatchObject({ codec_name: 'mjpeg', width: STRIP_FRAMES * STRIP_FRAME_WIDTH, height: 90 })
    const [gray] = await decodeGrayFrames(rig.store.blobPath(pushIn.stripSha256!), STRIP_FRAMES * STRIP_FRAME_WIDTH, 90)
    const tile = (i: number) => {
      let sum = 0
      for (let y = 0; y < 90; y++) for (let x = 0; x < STRIP_FRAME_WIDTH; x++) sum += Math.abs(gray![y * STRIP_FRAMES * STRIP_FRAME_WIDTH + i * STRIP_FRAME_WIDTH + x]! - gray![y * STRIP_FRAMES * STRIP_FRAME_WIDTH + x]!)
      return sum / (90 * STRIP_FRAME_WIDTH)
    }
    // The first and last tiles are different moments of the push-in, not one frame repeated.
    expect(tile(STRIP_FRAMES - 1)).toBeGreaterThan(2)
  })

  it('zooms in smoothly and ends at the requested factor', async () => {
    const frames = await decodeGrayFrames(rig.store.blobPath(pushIn.assetSha256), 640, 360)
    expect(frames).toHaveLength(48)
    const zooms: number[] = []
    let guess = 1
    for (const frame of frames) {
      guess = estimateZoom(frames[0]!, frame, 640, 360, guess)
      zooms.push(guess)
    }
    for (let i = 1; i < zooms.length; i++) expect(zooms[i]!).toBeGreaterThanOrEqual(zooms[i - 1]! - 0.003)
    expect(zooms[24]!).toBeGreaterThan(1.05)
    expect(zooms[24]!).toBeLessThan(1.25)
    expect(zooms.at(-1)!).toBeGreaterThan(1.3 * 0.97)
    expect(zooms.at(-1)!).toBeLessThan(1.3 * 1.03)
  })

  it('is idempotent: a second run returns the same assets and stores nothing new', async () => {
    const before = await storedBlobs(rig.store)
    const again = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2, cameraMove: 'push_in', zoom: 1.3 }))
    expect(again).toEqual(pushIn)
    expect(await storedBlobs(rig.store)).toEqual(before)
  })

  it.each([
    ['pan_right', { x: 1, y: 0 }],
    ['pan_left', { x: -1, y: 0 }],
    ['tilt_up', { x: 0, y: -1 }],
  ] as const)('moves the content the way a %s should', async (cameraMove, direction) => {
    const out = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2, cameraMove, zoom: 1.3 }))
    const frames = await decodeGrayFrames(rig.store.blobPath(out.assetSha256), 640, 360)
    const mid = estimateShift(frames[0]!, frames[24]!, 640, 360)
    const end = estimateShift(frames[0]!, frames[47]!, 640, 360)
    // A 1/1.3 window crossing the plate moves the content by (1.3 - 1) frame widths (or heights);
    // frame(p) = first(p + d), so panning right gives a positive dx.
    const expected = { dx: direction.x * 0.3 * 640, dy: direction.y * 0.3 * 360 }
    for (const axis of ['dx', 'dy'] as const) {
      if (expected[axis] === 0) {
        expect(Math.abs(end[axis])).toBeLessThan(1)
      } else {
        expect(Math.sign(mid[axis])).toBe(Math.sign(expected[axis]))
        expect(Math.abs(end[axis])).toBeGreaterThan(Math.abs(mid[axis]))
        expect(Math.abs(end[axis] - expected[axis])).toBeLessThan(0.03 * Math.abs(expected[axis]))
      }
    }
  })
})

describe('renderPrevizJob with bad input', () => {
  async function expectRefused(run: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
    const before = await storedBlobs(rig.store)
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe(code)
    expect((error as AppError).message).toMatch(message)
    expect(await storedBlobs(rig.store)).toEqual(before)
    expect(await readdir(rig.workDir)).toEqual([])
  }

  it('refuses a plate that is a text file', async () => {
    const sha = (await rig.store.putBytes(new TextEncoder().encode('not an image, just some words\n'))).sha256
    await expectRefused(() => renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2 }, sha)), 'UNSUPPORTED_MEDIA', new RegExp(`plate asset ${sha}`))
  })

  it('refuses a zero-length plate', async () => {
    const sha = (await rig.store.putBytes(new Uint8Array(0))).sha256
    await expectRefused(() => renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2 }, sha)), 'UNSUPPORTED_MEDIA', new RegExp(`plate asset ${sha}`))
  })

  it('refuses a missing plate, naming its sha256', async () => {
    const sha = 'a'.repeat(64)
    await expectRefused(() => renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 2 }, sha)), 'NOT_FOUND', new RegExp(sha))
  })

  it.each([0, 11])('refuses a duration of %i, naming the field', async (duration) => {
    await expectRefused(() => renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration })), 'BAD_REQUEST', /^params\.duration: /)
  })

  it('stops, cleans up and stores nothing when cancelled mid-render', async () => {
    const controller = new AbortController()
    const before = await storedBlobs(rig.store)
    const error = await renderPrevizJob({ store: rig.store, engine: rig.engine }, input({ duration: 4, cameraMove: 'pull_out', zoom: 1.7 }), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'rendering' && p.progress > 0.3) controller.abort(new Error('cancelled by test'))
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((error as Error).message).toBe('cancelled by test')
    expect(await storedBlobs(rig.store)).toEqual(before)
    expect(await readdir(rig.workDir)).toEqual([])
  })
})

