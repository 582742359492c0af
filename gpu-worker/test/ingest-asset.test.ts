import { STRIP_FRAME_WIDTH } from '@montage/core'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runProcess } from '../src/ffmpeg/run-process'
import { ingestAssetJob } from '../src/render/ingest-asset-job'
import { createRig, paths, storedBlobs, topLevelBoxes, type TTestRig } from './helpers'

let rig: TTestRig

beforeAll(async () => {
  rig = await createRig()
})

afterAll(async () => {
  await rig?.cleanup()
})

async function probe(file: string): Promise<{ codec_name: string; pix_fmt: string; width: number; height: number }> {
  const { stdout } = await runProcess(paths.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,pix_fmt,width,height', '-of', 'json', file])
  return (JSON.parse(stdout.toString()) as { streams: [{ codec_name: string; pix_fmt: string; width: number; height: number }] }).streams[0]
}

describe('ingestAsset: probe, poster, thumbnail strip and web proxy', () => {
  it('makes a ≤720p H.264 yuv420p +faststart proxy, a strip of evenly spaced 160 px frames and a poster, and is idempotent', async () => {
    const clip = path.join(rig.dir, 'clip.mov')
    // 1080p, 4:2:2, ProRes-like source in a MOV: nothing a browser plays as is.
    await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=24', '-t', '2', '-pix_fmt', 'yuv422p', '-c:v', 'mpeg4', '-q:v', '5', clip])
    const sha256 = (await rig.store.putFile(clip)).sha256
    const input = { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'video/quicktime' }
    const progress: number[] = []
    const out = await ingestAssetJob({ store: rig.store, engine: rig.engine }, input, { onProgress: (p) => progress.push(p.progress) })

    expect(out).toMatchObject({ width: 1920, height: 1080, durationMs: 2000, stripFrames: 10 })
    const proxy = await probe(rig.store.blobPath(out.proxySha256!))
    expect(proxy).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 1280, height: 720 })
    const boxes = await topLevelBoxes(rig.store.blobPath(out.proxySha256!))
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'))
    const strip = await probe(rig.store.blobPath(out.stripSha256!))
    expect(strip).toMatchObject({ codec_name: 'mjpeg', width: 10 * STRIP_FRAME_WIDTH, height: 90 })
    const poster = await probe(rig.store.blobPath(out.posterSha256))
    expect(poster).toMatchObject({ codec_name: 'mjpeg', width: 1280, height: 720 })
    expect(progress.at(-1)).toBe(1)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))

    const before = await storedBlobs(rig.store)
    const again = await ingestAssetJob({ store: rig.store, engine: rig.engine }, input, {})
    expect(again.posterSha256).toBe(out.posterSha256)
    expect(again.stripSha256).toBe(out.stripSha256)
    expect((await storedBlobs(rig.store)).length - before.length).toBeLessThanOrEqual(1)
  })

  it('gives a still only a poster', async () => {
    const png = path.join(rig.dir, 'still.png')
    await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x480', '-frames:v', '1', png])
    const sha256 = (await rig.store.putFile(png)).sha256
    const out = await ingestAssetJob({ store: rig.store, engine: rig.engine }, { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'image/png' }, {})
    expect(out).toMatchObject({ width: 640, height: 480, durationMs: null, stripSha256: null, proxySha256: null, stripFrames: null })
    expect(await probe(rig.store.blobPath(out.posterSha256))).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 480 })
  })

  it('refuses a clip cut in half, non-retryably, storing nothing', async () => {
    const clip = path.join(rig.dir, 'whole.mp4')
    await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=24', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', clip])
    const bytes = await readFile(clip)
    const sha256 = (await rig.store.putBytes(bytes.subarray(0, bytes.length >> 1))).sha256
    const before = await storedBlobs(rig.store)
    await expect(ingestAssetJob({ store: rig.store, engine: rig.engine }, { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'video/mp4' }, {})).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA',
    })
    expect(await storedBlobs(rig.store)).toEqual(before)
  })
})
