import { STRIP_FRAME_WIDTH, STRIP_FRAMES } from '@montage/core'
import { randomUUID } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runProcess } from '../src/ffmpeg/run-process'
import { renderPrevizJob } from '../src/render/render-previz-job'
import { upscaleJob } from '../src/render/upscale-job'
import { exceedsWebProxy, webProxySize } from '../src/render/web-proxy-size'
import { createRig, paths, probe, smoothPlate, topLevelBoxes, writeImage, type TTestRig } from './helpers'

let rig: TTestRig
let plateSha: string
let clipSha: string

beforeAll(async () => {
  rig = await createRig()
  const plate = path.join(rig.dir, 'plate.png')
  await writeImage(smoothPlate(1280, 720), 1280, 720, plate)
  plateSha = (await rig.store.putFile(plate)).sha256
  const clip = path.join(rig.dir, 'clip.mp4')
  await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=960x540:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', clip])
  clipSha = (await rig.store.putFile(clip)).sha256
})
afterAll(async () => rig?.cleanup())

const ids = () => ({ generationId: randomUUID(), workspaceId: randomUUID() })

describe('web proxy of render outputs', () => {
  it('fits 720p in the clip\'s own orientation, keeps the aspect with even sides, and is needed only above 720p', () => {
    expect(webProxySize(1920, 1080)).toEqual({ width: 1280, height: 720 })
    expect(webProxySize(1080, 1920)).toEqual({ width: 720, height: 1280 })
    expect(webProxySize(4096, 2304)).toEqual({ width: 1280, height: 720 })
    expect(webProxySize(1584, 672)).toEqual({ width: 1280, height: 542 })
    expect(webProxySize(960, 960)).toEqual({ width: 720, height: 720 })
    expect(webProxySize(641, 481)).toEqual({ width: 640, height: 480 })
    for (const [w, h] of [[1280, 720], [720, 1280], [720, 720], [320, 180]] as const) expect(exceedsWebProxy(w, h)).toBe(false)
    for (const [w, h] of [[1920, 1080], [1080, 1920], [1584, 672], [960, 960], [1281, 720]] as const) expect(exceedsWebProxy(w, h)).toBe(true)
  })

  it('gives a 720p previz no proxy: the output is its own proxy', async () => {
    const out = await renderPrevizJob({ store: rig.store, engine: rig.engine }, { ...ids(), plateSha256: plateSha, params: { duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', zoom: 1.2, easing: 'ease_in_out' } })
    expect(out).toMatchObject({ width: 1280, height: 720, stripFrames: STRIP_FRAMES })
    expect(out.proxySha256).toBeUndefined()
    expect(out.proxyByteSize).toBeUndefined()
  })

  // Previz renders top out at 720p; the 1080p output here is a 2× upscale of a 960×540 clip.
  it('gives a 1080p render a 1280×720 H.264 yuv420p +faststart proxy of the same length, and cuts the strip from it', async () => {
    const progress: number[] = []
    const out = await upscaleJob({ store: rig.store, engine: rig.engine }, { ...ids(), sourceSha256: clipSha, params: { factor: 2 } }, { onProgress: (p) => progress.push(p.progress) })
    expect(out).toMatchObject({ width: 1920, height: 1080, mimeType: 'video/mp4', proxyWidth: 1280, proxyHeight: 720 })
    const full = await probe(rig.store.blobPath(out.assetSha256))
    expect(full.stream).toMatchObject({ width: 1920, height: 1080 })

    const proxyFile = rig.store.blobPath(out.proxySha256!)
    const proxy = await probe(proxyFile)
    expect(proxy.stream).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 1280, height: 720, r_frame_rate: '24/1' })
    expect(Math.abs(proxy.durationSeconds - full.durationSeconds)).toBeLessThanOrEqual(1 / 24)
    expect(out.proxyByteSize).toBe(await rig.store.size(out.proxySha256!))
    expect(out.proxyByteSize!).toBeLessThan(out.byteSize)
    const boxes = await topLevelBoxes(proxyFile)
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'))

    const strip = await probe(rig.store.blobPath(out.stripSha256!))
    expect(strip.stream).toMatchObject({ codec_name: 'mjpeg', width: STRIP_FRAMES * STRIP_FRAME_WIDTH, height: 90 })
    expect(progress.at(-1)).toBe(1)
    expect([...progress].sort((a, b) => a - b)).toEqual(progress)
    expect(await readdir(rig.workDir)).toEqual([])
  })
})
