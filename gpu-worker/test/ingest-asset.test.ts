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
    const poster = await probe(rig.store.blobPath(out.posterSha256!))
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
    expect(await probe(rig.store.blobPath(out.posterSha256!))).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 480 })
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

  it("keeps an uploaded clip's sound in its proxy, over the clip's whole length", async () => {
    const clip = path.join(rig.dir, 'with-sound.mp4')
    // A 1080p upload with a 2 s stereo AAC track.
    await runProcess(paths.ffmpeg, [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=24', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-ac', '2', clip,
    ])
    const sha256 = (await rig.store.putFile(clip)).sha256
    const out = await ingestAssetJob({ store: rig.store, engine: rig.engine }, { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'video/mp4' }, {})
    const source = await audioOf(rig.store.blobPath(sha256))
    const proxy = await audioOf(rig.store.blobPath(out.proxySha256!))
    expect(proxy).toMatchObject({ codec_name: 'aac', channels: 2 })
    expect(Math.abs(proxy.duration - source.duration)).toBeLessThan(0.05)
    // As loud as the source (AAC again changes it a little), not a silent track of the right length.
    expect(source.rms).toBeGreaterThan(0.05)
    expect(proxy.rms).toBeGreaterThan(source.rms * 0.8)
    expect(proxy.rms).toBeLessThan(source.rms * 1.2)
  })

  it('gives a sound its measured duration and its waveform as the poster, and no strip or proxy', async () => {
    // 2 s of silence, then 2 s of a loud tone; an MP3 with cover art (a picture stream) behind an ID3 tag.
    const mp3 = path.join(rig.dir, 'sound.mp3')
    const cover = path.join(rig.dir, 'cover.png')
    await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=300x300', '-frames:v', '1', cover])
    await runProcess(paths.ffmpeg, [
      '-v', 'error', '-f', 'lavfi', '-t', '2', '-i', 'anullsrc=r=44100:cl=mono', '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=44100:duration=2', '-i', cover,
      '-filter_complex', '[0:a][1:a]concat=n=2:v=0:a=1[a]', '-map', '[a]', '-map', '2:v', '-c:a', 'libmp3lame', '-c:v', 'png', '-disposition:v', 'attached_pic',
      '-id3v2_version', '3', mp3,
    ])
    const sha256 = (await rig.store.putFile(mp3)).sha256
    const input = { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'audio/mpeg' }
    const out = await ingestAssetJob({ store: rig.store, engine: rig.engine }, input, {})
    expect(out).toMatchObject({ width: null, height: null, stripSha256: null, stripFrames: null, proxySha256: null })
    expect(out.durationMs).toBeGreaterThan(3950)
    expect(out.durationMs).toBeLessThan(4100)
    const poster = rig.store.blobPath(out.posterSha256!)
    expect(await probe(poster)).toMatchObject({ codec_name: 'mjpeg', width: 960, height: 240 })
    // The waveform is the sound's: dark over the silent first half, drawn over the loud second.
    const { stdout } = await runProcess(paths.ffmpeg, ['-v', 'error', '-i', poster, '-vf', 'scale=4:1:flags=area', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'])
    const [q1, q2, q3, q4] = [...stdout]
    // (lavfi's sine peaks at 1/8 of full scale, so the drawn part is an eighth of the height.)
    expect(Math.max(q1!, q2!)).toBeLessThan(8)
    expect(Math.min(q3!, q4!)).toBeGreaterThan(Math.max(q1!, q2!) + 15)
  })

  it('ingests an M4A the same way', async () => {
    const m4a = path.join(rig.dir, 'sound.m4a')
    await runProcess(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=500:duration=3', '-c:a', 'aac', m4a])
    const sha256 = (await rig.store.putFile(m4a)).sha256
    const out = await ingestAssetJob({ store: rig.store, engine: rig.engine }, { assetId: randomUUID(), workspaceId: randomUUID(), sha256, mimeType: 'audio/mp4' }, {})
    expect(out).toMatchObject({ width: null, height: null, proxySha256: null })
    expect(Math.abs(out.durationMs! - 3000)).toBeLessThan(60)
    expect(await probe(rig.store.blobPath(out.posterSha256!))).toMatchObject({ codec_name: 'mjpeg', width: 960, height: 240 })
  })
})

/** The first audio stream of a file: its codec, channels, duration and loudness (RMS of its samples, 0–1). */
async function audioOf(file: string): Promise<{ codec_name: string; channels: number; duration: number; rms: number }> {
  const { stdout } = await runProcess(paths.ffprobe, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,channels,duration', '-of', 'json', file])
  const stream = (JSON.parse(stdout.toString()) as { streams: [{ codec_name: string; channels: number; duration: string }] }).streams[0]
  const pcm = (await runProcess(paths.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '8000', '-f', 's16le', 'pipe:1'])).stdout
  let sum = 0
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += (pcm.readInt16LE(i) / 32768) ** 2
  return { codec_name: stream.codec_name, channels: stream.channels, duration: Number(stream.duration), rms: Math.sqrt(sum / Math.max(1, pcm.length / 2)) }
}
