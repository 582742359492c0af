import { ApplicationFailure, CancelledFailure } from '@temporalio/common'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGpuActivities } from '../src/activities/create-gpu-activities'
import { runProcess } from '../src/ffmpeg/run-process'
import { createRig, runInActivity, smoothPlate, storedBlobs, writeClip, type TTestRig } from './helpers'

/** A PNG whose header claims width×height, with no real pixels behind it. */
function pngHeader(width: number, height: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), body.length + 4)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))])
}

let rig: TTestRig
let clipSha: string
let truncatedSha: string
beforeAll(async () => {
  rig = await createRig()
  const clip = path.join(rig.dir, 'clip.mp4')
  const plate = smoothPlate(320, 180)
  await writeClip(() => plate, 72, 320, 180, 24, clip, ['-movflags', '+faststart'])
  const bytes = await readFile(clip)
  clipSha = (await rig.store.putFile(clip)).sha256
  // Index (moov) intact at the front, media data cut in half: the hardest truncation to notice.
  truncatedSha = (await rig.store.putBytes(bytes.subarray(0, Math.floor(bytes.length / 2)))).sha256
})
afterAll(async () => rig?.cleanup())

const ids = { generationId: 'bad-input', workspaceId: 'ws' }

describe('edits refuse bad input with a clear non-retryable failure and store nothing', () => {
  const cases: [string, () => Promise<string> | string, string, RegExp][] = [
    ['a truncated mp4', () => truncatedSha, 'UNSUPPORTED_MEDIA', /sourceSha256: the clip to edit \(asset [0-9a-f]{12}…\) (could not be decoded|is truncated)/],
    ['bytes that are no image', async () => (await rig.store.putBytes(new TextEncoder().encode('just some words, no pixels\n'))).sha256, 'UNSUPPORTED_MEDIA', /sourceSha256: the clip to edit \(asset [0-9a-f]{12}…\) is not a readable image or video/],
    ['a 20,000×20,000 PNG', async () => (await rig.store.putBytes(pngHeader(20000, 20000))).sha256, 'PAYLOAD_TOO_LARGE', /20000×20000, larger than 8192×8192/],
    ['a zero-length file', async () => (await rig.store.putBytes(new Uint8Array(0))).sha256, 'UNSUPPORTED_MEDIA', /sourceSha256: the clip to edit \(asset [0-9a-f]{12}…\) is not a readable image or video/],
    ['a missing asset', () => 'c'.repeat(64), 'NOT_FOUND', /sourceSha256: the clip to edit \(asset c{12}…\) is no longer in the asset store/],
  ]
  it.each(cases)('%s', async (_name, source, code, message) => {
    const sha = await source()
    const before = await storedBlobs(rig.store)
    const { restyle } = createGpuActivities({ store: rig.store, engine: rig.engine })
    const { error } = await runInActivity(() => restyle({ ...ids, sourceSha256: sha, params: { preset: 'anime', strength: 1 } }))
    expect(error).toBeInstanceOf(ApplicationFailure)
    console.info(`${_name}: ${(error as ApplicationFailure).type}: ${(error as ApplicationFailure).message}`)
    expect((error as ApplicationFailure).nonRetryable).toBe(true)
    expect((error as ApplicationFailure).type).toBe(code)
    expect((error as ApplicationFailure).message).toMatch(message)
    expect(await storedBlobs(rig.store)).toEqual(before)
    expect(await readdir(rig.workDir)).toEqual([])
  })

  it.each([
    ['relight', { preset: 'golden_hour', intensity: 1.5 }, /^params\.intensity: /],
    ['restyle', { preset: 'pointillism' }, /^params\.preset: /],
    ['upscale', { factor: 3 }, /^params\.factor: /],
    ['interpolate', { factor: 4 }, /^params\.factor: /],
  ] as const)('%s with a parameter out of range names the field', async (op, params, message) => {
    const activities = createGpuActivities({ store: rig.store, engine: rig.engine })
    const run = activities[op] as (input: unknown) => Promise<unknown>
    const { error } = await runInActivity(() => run({ ...ids, sourceSha256: clipSha, params }))
    expect((error as ApplicationFailure).nonRetryable).toBe(true)
    expect((error as ApplicationFailure).type).toBe('BAD_REQUEST')
    expect((error as ApplicationFailure).message).toMatch(message)
  })

  it('upscale refuses an output past 4096 a side, naming params.factor', async () => {
    const { upscale } = createGpuActivities({ store: rig.store, engine: rig.engine })
    const big = (await rig.store.putBytes(pngHeader(1200, 800))).sha256
    const { error } = await runInActivity(() => upscale({ ...ids, sourceSha256: big, params: { factor: 4 } }))
    expect((error as ApplicationFailure).type).toBe('BAD_REQUEST')
    expect((error as ApplicationFailure).message).toMatch(/^params\.factor: 4× of 1200×800/)
  })

  it('interpolate refuses a still', async () => {
    const { interpolate } = createGpuActivities({ store: rig.store, engine: rig.engine })
    const still = (await rig.store.putBytes(pngHeader(64, 64))).sha256
    const { error } = await runInActivity(() => interpolate({ ...ids, sourceSha256: still, params: { factor: 2 } }))
    expect((error as ApplicationFailure).type).toBe('UNSUPPORTED_MEDIA')
    expect((error as ApplicationFailure).message).toMatch(/interpolation needs a video/)
  })
})

describe('edit activities', () => {
  it('heartbeat progress up to storing, and are idempotent by input', async () => {
    const { relight } = createGpuActivities({ store: rig.store, engine: rig.engine, progressIntervalMs: 0 })
    const input = { ...ids, sourceSha256: clipSha, params: { preset: 'blue_hour' as const, direction: 45, intensity: 0.7 } }
    const first = await runInActivity(() => relight(input))
    expect(first.error).toBeUndefined()
    expect(first.heartbeats.at(-1)).toEqual({ stage: 'storing', progress: 1 })
    const before = await storedBlobs(rig.store)
    const second = await runInActivity(() => relight(input))
    expect(second.error).toBeUndefined()
    expect(await storedBlobs(rig.store)).toEqual(before)
  })

  it('rethrow CancelledFailure when cancelled, kill ffmpeg and leave no scratch files or outputs', async () => {
    const before = await storedBlobs(rig.store)
    const { restyle } = createGpuActivities({ store: rig.store, engine: rig.engine, progressIntervalMs: 0 })
    const { error } = await runInActivity(() => restyle({ ...ids, generationId: 'cancel-me', sourceSha256: clipSha, params: { preset: 'comic', strength: 1 } }), { cancelAfterHeartbeats: 5 })
    expect(error).toBeInstanceOf(CancelledFailure)
    expect(await readdir(rig.workDir)).toEqual([])
    expect(await storedBlobs(rig.store)).toEqual(before)
  })

  it('an upscale cancelled mid-clip leaves none of its ffmpegs running, the scaler its frames go through included', async () => {
    const ffmpegChildren = async () =>
      (await runProcess('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)])).stdout.toString().split('\n').filter((line) => line.includes('ffmpeg'))
    const { upscale } = createGpuActivities({ store: rig.store, engine: rig.engine, progressIntervalMs: 0 })
    const { error } = await runInActivity(() => upscale({ ...ids, generationId: 'cancel-upscale', sourceSha256: clipSha, params: { factor: 2 } }), { cancelAfterHeartbeats: 5 })
    expect(error).toBeInstanceOf(CancelledFailure)
    await expect.poll(ffmpegChildren, { timeout: 5000 }).toEqual([])
    expect(await readdir(rig.workDir)).toEqual([])
  })
})
