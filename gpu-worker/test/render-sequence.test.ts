import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError, AppErrorCode, layoutTimeline, type TSequenceTimeline, type TTimelineClip } from '@montage/core'
import { renderSequenceJob } from '../src/render/render-sequence-job'
import { runProcess } from '../src/ffmpeg/run-process'
import { writeTestClip, writeTestSound } from '../testing'
import { createRig, paths, storedBlobs, type TTestRig } from './helpers'

// Real ffmpeg end to end: three clips of distinct, time-coded colours (different sizes, rates and
// one with sound), one crossfade, one audio track; the render is decoded and read back.
let rig: TTestRig
const shas: Record<'a' | 'b' | 'c' | 'tone', string> = { a: '', b: '', c: '', tone: '' }
const FPS = 24

/** Colours as functions of the source's time: each clip's frames say which clip and which moment they are. */
const A = (t: number) => [200, 30, 10 + 40 * t]
const B = (t: number) => [20 + 40 * t, 40, 210]
const C = (t: number) => [30, 190, 20 + 40 * t]

beforeAll(async () => {
  rig = await createRig()
  const put = async (name: string, write: (file: string) => Promise<void>) => {
    const file = path.join(rig.dir, name)
    await write(file)
    return (await rig.store.putFile(file)).sha256
  }
  shas.a = await put('a.mp4', (f) => writeTestClip(paths.ffmpeg, f, { width: 320, height: 180, fps: 24, seconds: 3, rgb: ['200', '30', '10+40*T'], sineHz: 440 }))
  // 4:3 at 30 fps: letterboxed (pillarboxed) and conformed to 24.
  shas.b = await put('b.mp4', (f) => writeTestClip(paths.ffmpeg, f, { width: 240, height: 180, fps: 30, seconds: 3, rgb: ['20+40*T', '40', '210'] }))
  shas.c = await put('c.mp4', (f) => writeTestClip(paths.ffmpeg, f, { width: 320, height: 180, fps: 25, seconds: 2, rgb: ['30', '190', '20+40*T'] }))
  shas.tone = await put('tone.wav', (f) => writeTestSound(paths.ffmpeg, f, { hz: 1000, seconds: 2 }))
})

afterAll(async () => {
  await rig?.cleanup()
})

function clip(i: number, sha: string, fields: Partial<TTimelineClip>): TTimelineClip {
  return {
    clipId: `shape:clip${i}`, variationId: `shape:v${i}`, generationId: randomUUID(), assetSha256: sha, mimeType: 'video/mp4', still: false,
    sourceFrames: 72, inFrame: 0, outFrame: 48, transition: 'cut', transitionFrames: 0, gainDb: 0, label: `Shot ${i}`, ...fields,
  }
}

/** A: [0,48) with its own sound; B crossfades over A's last 12 frames: [36,84); C cuts in at 84: [84,120). */
function threeClips(overrides: Partial<TSequenceTimeline> = {}): TSequenceTimeline {
  return {
    sequenceId: 'shape:seq', boardId: randomUUID(), title: 'Spot', fps: FPS, aspectRatio: '16:9', width: 1920, height: 1080, fit: 'letterbox', delivery: false,
    clips: [
      clip(1, shas.a, { inFrame: 12, outFrame: 60, label: 'Lighthouse wide' }),
      clip(2, shas.b, { inFrame: 0, outFrame: 48, transition: 'crossfade', transitionFrames: 12, label: 'Keeper close' }),
      clip(3, shas.c, { sourceFrames: 48, inFrame: 6, outFrame: 42, label: 'Harbour' }),
    ],
    audioTracks: [
      {
        trackId: 'music', name: 'Music', gainDb: 0, muted: false,
        items: [{ itemId: 'shape:tone', assetSha256: shas.tone, mimeType: 'audio/wav', name: 'Tone', sourceFrames: 48, startFrame: 90, inFrame: 0, outFrame: 24, gainDb: 0, fadeInFrames: 0, fadeOutFrames: 0 }],
      },
    ],
    ...overrides,
  }
}

async function ffprobe(file: string): Promise<{ streams: { codec_type: string; codec_name: string; width?: number; height?: number; duration: string; profile?: string }[] }> {
  const { stdout } = await runProcess(paths.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,duration,profile', '-of', 'json', file])
  return JSON.parse(stdout.toString())
}

/** Every frame of a render, scaled to 192×108 RGB. */
async function frames(file: string): Promise<Buffer[]> {
  const { stdout } = await runProcess(paths.ffmpeg, ['-v', 'error', '-i', file, '-vf', 'scale=192:108', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
  const size = 192 * 108 * 3
  return Array.from({ length: stdout.length / size }, (_, i) => stdout.subarray(i * size, (i + 1) * size))
}

const pixel = (frame: Buffer, x: number, y: number) => [frame[(y * 192 + x) * 3]!, frame[(y * 192 + x) * 3 + 1]!, frame[(y * 192 + x) * 3 + 2]!]

/** The render's sound as mono float samples at 8 kHz, and the RMS of a stretch of it. */
async function samples(file: string): Promise<Float32Array> {
  const { stdout } = await runProcess(paths.ffmpeg, ['-v', 'error', '-i', file, '-vn', '-ac', '1', '-ar', '8000', '-f', 'f32le', '-'])
  return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.length / 4)
}
const rms = (s: Float32Array, from: number, to: number) => {
  let sum = 0
  for (let i = Math.round(from * 8000); i < Math.round(to * 8000); i++) sum += s[i]! ** 2
  return Math.sqrt(sum / (Math.round(to * 8000) - Math.round(from * 8000)))
}

describe('renderSequenceJob', () => {
  it('joins three clips with a crossfade and mixes the sound: each clip at its record time, the crossfade a blend, sound as long as the picture', async () => {
    const timeline = threeClips()
    const progress: number[] = []
    const out = await renderSequenceJob({ store: rig.store, engine: rig.engine }, { generationId: 'seq1', workspaceId: 'ws', timeline }, { onProgress: (p) => progress.push(p.progress) })
    expect(out).toMatchObject({ mimeType: 'video/mp4', width: 1920, height: 1080, fps: 24 })
    const total = layoutTimeline(timeline).totalFrames
    expect(total).toBe(48 + 48 + 36 - 12)
    expect(out.durationSeconds).toBeCloseTo(total / FPS, 6)
    expect(progress.at(-1)).toBe(1)

    const file = await rig.store.withLocalFile(out.assetSha256, async (f) => {
      const copy = path.join(rig.dir, 'render.mp4')
      await (await import('node:fs/promises')).copyFile(f, copy)
      return copy
    })
    const probe = await ffprobe(file)
    const video = probe.streams.find((s) => s.codec_type === 'video')!
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!
    expect(video).toMatchObject({ codec_name: 'h264', width: 1920, height: 1080 })
    expect(audio.codec_name).toBe('aac')
    // Within one frame of the sum of the trimmed clips less the crossfade, picture and sound alike.
    expect(Math.abs(Number(video.duration) - total / FPS)).toBeLessThanOrEqual(1 / FPS)
    expect(Math.abs(Number(audio.duration) - total / FPS)).toBeLessThanOrEqual(1 / FPS)

    const decoded = await frames(file)
    expect(decoded).toHaveLength(total)
    const near = (got: number[], want: number[], tolerance = 8) => got.every((v, i) => Math.abs(v - want[i]!) <= tolerance)
    const centre = (f: number) => pixel(decoded[f]!, 96, 54)
    // A alone, from its in point (frame 12 of its source) on.
    for (const f of [0, 20, 35]) expect(near(centre(f), A((12 + f) / FPS)), `record frame ${f}: ${centre(f)}`).toBe(true)
    // B alone after the crossfade, from its in point (0); its 30 fps frames taken at the nearest time.
    for (const f of [48, 60, 83]) expect(near(centre(f), B((f - 36) / FPS), 10), `record frame ${f}: ${centre(f)}`).toBe(true)
    // C from its in point (frame 6 at 24 fps: 0.25 s of its 25 fps source).
    for (const f of [84, 100, 119]) expect(near(centre(f), C((6 + f - 84) / FPS), 10), `record frame ${f}: ${centre(f)}`).toBe(true)
    // B is 4:3 in a 16:9 frame: black bars at the sides, none on C, which fills it.
    expect(near(pixel(decoded[60]!, 4, 54), [0, 0, 0], 6)).toBe(true)
    expect(near(pixel(decoded[100]!, 4, 54), C((6 + 16) / FPS), 10)).toBe(true)

    // The crossfade, frames 36–47: each a mix of A and B, weighted (k+1)/13 towards B, moving one way.
    const weights: number[] = []
    for (let k = 0; k < 12; k++) {
      const f = 36 + k
      const a = A((12 + f) / FPS)
      const b = B(k / FPS)
      const got = centre(f)
      // The red plane tells them apart (A 200, B 20–40): the weight of B read back from it.
      const w = (a[0]! - got[0]!) / (a[0]! - b[0]!)
      weights.push(w)
      expect(got[0]!).toBeLessThan(Math.max(a[0]!, b[0]!) - 4)
      expect(got[0]!).toBeGreaterThan(Math.min(a[0]!, b[0]!) + 4)
      expect(Math.abs(w - (k + 1) / 13)).toBeLessThan(0.06)
    }
    for (let k = 1; k < 12; k++) expect(weights[k]!).toBeGreaterThan(weights[k - 1]!)

    // Sound: A's own tone under A, silence under B and C until the track's tone at frame 90 (3.75 s) for 1 s.
    const s = await samples(file)
    expect(s.length / 8000).toBeCloseTo(total / FPS, 1)
    // Both sounds at 0 dB play at their own level (a lavfi sine peaks at 1/8): the mix neither halves nor doubles them.
    const level = 0.125 / Math.SQRT2
    expect(Math.abs(rms(s, 0.1, 1.3) / level - 1)).toBeLessThan(0.15)
    expect(rms(s, 2.2, 3.6)).toBeLessThan(0.005)
    expect(Math.abs(rms(s, 3.85, 4.65) / level - 1)).toBeLessThan(0.15)
    expect(rms(s, 4.85, 4.95)).toBeLessThan(0.005)

    // Renditions as for any clip above 720p: the proxy, the strip, the poster.
    expect(out.proxyWidth).toBe(1280)
    expect(out.proxyHeight).toBe(720)
    for (const sha of [out.posterSha256, out.stripSha256!, out.proxySha256!]) expect(await rig.store.has(sha)).toBe(true)
    expect(out.proresSha256).toBeUndefined()
  })

  it('a ProRes 422 HQ master when asked, of the same length', async () => {
    const timeline = threeClips({ clips: threeClips().clips.slice(0, 2), audioTracks: [] })
    const out = await renderSequenceJob({ store: rig.store, engine: rig.engine }, { generationId: 'seq2', workspaceId: 'ws', timeline, prores: true })
    expect(out.proresSha256).toMatch(/^[a-f0-9]{64}$/)
    const probe = await rig.store.withLocalFile(out.proresSha256!, ffprobe)
    const video = probe.streams.find((s) => s.codec_type === 'video')!
    expect(video).toMatchObject({ codec_name: 'prores', profile: 'HQ', width: 1920, height: 1080 })
    expect(Math.abs(Number(video.duration) - 84 / FPS)).toBeLessThanOrEqual(1 / FPS)
    // No sound anywhere in the sequence: the master still carries a silent track of the picture's length.
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!
    expect(Math.abs(Number(audio.duration) - 84 / FPS)).toBeLessThanOrEqual(1 / FPS)
  })

  it('a still holds for its in/out and crops to fill when the sequence says crop', async () => {
    const still = path.join(rig.dir, 'still.png')
    await runProcess(paths.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0xC8C814:s=400x400', '-frames:v', '1', still])
    const sha = (await rig.store.putFile(still)).sha256
    const base = threeClips()
    const timeline = threeClips({
      fit: 'crop',
      clips: [clip(1, sha, { still: true, mimeType: 'image/png', sourceFrames: 30, inFrame: 0, outFrame: 30, label: 'Title card' }), { ...base.clips[2]!, transition: 'crossfade', transitionFrames: 6 }],
      audioTracks: [],
    })
    const out = await renderSequenceJob({ store: rig.store, engine: rig.engine }, { generationId: 'seq4', workspaceId: 'ws', timeline })
    expect(out.durationSeconds).toBeCloseTo((30 + 36 - 6) / FPS, 6)
    const decoded = await rig.store.withLocalFile(out.assetSha256, frames)
    expect(decoded).toHaveLength(60)
    // A square still cropped to 16:9 fills the frame edge to edge.
    for (const f of [0, 23]) for (const x of [2, 96, 189]) expect(pixel(decoded[f]!, x, 54).every((v, i) => Math.abs(v - [200, 200, 20][i]!) <= 8), `frame ${f} x ${x}`).toBe(true)
  })

  it('a clip gone from the store fails naming it, before anything is rendered or stored', async () => {
    const before = await storedBlobs(rig.store)
    const timeline = threeClips()
    timeline.clips[1] = { ...timeline.clips[1]!, assetSha256: 'f'.repeat(64) }
    const err = await renderSequenceJob({ store: rig.store, engine: rig.engine }, { generationId: 'seq3', workspaceId: 'ws', timeline }).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe(AppErrorCode.NOT_FOUND)
    expect((err as AppError).message).toBe('Clip 2 (Keeper close) is missing from the asset store')
    expect(await storedBlobs(rig.store)).toEqual(before)
  })
})
