import { LocalAssetStore } from '@montage/assets'
import { STRIP_FRAME_WIDTH, STRIP_FRAMES, type TGenerationOutput, type TRunHostedModelInput } from '@montage/core'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runProcess } from '../src/ffmpeg/run-process'
import { createHostedActivities } from '../src/hosted/create-hosted-activities'
import { RunwayStandIn } from '../testing'
import { paths, probe, runInActivity } from './helpers'

// Runway is the documented-contract stand-in; ffmpeg and the store are real.
const SECRET = `key_${randomUUID()}`
let dir: string
let store: LocalAssetStore
let standIn: RunwayStandIn
let plateSha: string
/** What the next task's SUCCEEDED output serves. */
let nextOutput: { bytes: Uint8Array; type: string }

async function encode(args: string[], name: string): Promise<Uint8Array> {
  const file = path.join(dir, name)
  await runProcess(paths.ffmpeg, ['-v', 'error', '-y', ...args, file])
  return readFile(file)
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hosted-renditions-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  plateSha = (await store.putBytes(await encode(['-f', 'lavfi', '-i', 'testsrc=size=192x108', '-frames:v', '1'], 'plate.png'))).sha256
  standIn = await new RunwayStandIn({ apiSecret: SECRET, plan: (_e, _b, s) => [{ status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [s.addOutput(nextOutput.bytes, nextOutput.type)] }] }).start()
})

afterAll(async () => {
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function runHosted(output: { bytes: Uint8Array; type: string }) {
  nextOutput = output
  const published: Array<{ stage: string; progress: number }> = []
  const activities = createHostedActivities({
    store,
    ffmpeg: paths,
    workDir: path.join(dir, 'work'),
    runway: { apiSecret: SECRET, baseUrl: standIn.baseUrl, pollIntervalMs: 10, backoffMs: 5 },
    nats: { publish: (_subject: string, data?: Uint8Array) => void published.push(JSON.parse(new TextDecoder().decode(data)) as { stage: string; progress: number }) },
  })
  const input: TRunHostedModelInput = { generationId: randomUUID(), workspaceId: randomUUID(), model: 'gen4_turbo', prompt: 'a lighthouse at dusk', params: { duration: 5 }, referenceAssets: [plateSha] }
  const run = await runInActivity(() => activities.runHostedModel(input), { activityType: 'runHostedModel' })
  if (run.error) throw run.error
  return { output: run.value as TGenerationOutput, published, heartbeats: run.heartbeats as Array<{ stage?: string; progress?: number }> }
}

describe('hosted outputs get the renditions our renders get', () => {
  it('gives a downloaded 21:9 clip larger than 720p a hover-scrub strip and a 1280-wide H.264 proxy', async () => {
    const bytes = await encode(['-f', 'lavfi', '-i', 'testsrc2=size=1584x672:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'], 'wide.mp4')
    const { output, published, heartbeats } = await runHosted({ bytes, type: 'video/mp4' })

    expect(output).toMatchObject({ mimeType: 'video/mp4', width: 1584, height: 672, stripFrames: STRIP_FRAMES, proxyWidth: 1280, proxyHeight: 542 })
    const strip = await probe(store.blobPath(output.stripSha256!))
    // 1584:672 tiles of 160 px: 68 px tall (67.9, rounded to even).
    expect(strip.stream).toMatchObject({ codec_name: 'mjpeg', width: STRIP_FRAMES * STRIP_FRAME_WIDTH, height: 68 })
    expect(output.stripByteSize).toBe(await store.size(output.stripSha256!))
    const proxy = await probe(store.blobPath(output.proxySha256!))
    expect(proxy.stream).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 1280, height: 542 })
    expect(Math.abs(proxy.durationSeconds - output.durationSeconds)).toBeLessThanOrEqual(1 / 24)

    // The job's bar leaves the board (progress 1) only once the renditions are stored.
    expect(published.filter((p) => p.progress >= 1)).toHaveLength(1)
    expect(published.at(-1)).toMatchObject({ stage: 'storing', progress: 1 })
    expect(heartbeats.at(-1)).toMatchObject({ stage: 'storing', progress: 1 })
    expect((await readdir(path.join(dir, 'work'))).filter((f) => f.startsWith('renditions-'))).toEqual([])
  })

  it('gives a 720p clip a strip and no proxy, and a still neither', async () => {
    const clip = await encode(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'], 'hd.mp4')
    const { output } = await runHosted({ bytes: clip, type: 'video/mp4' })
    expect(output).toMatchObject({ width: 1280, height: 720, stripFrames: STRIP_FRAMES })
    expect(await store.has(output.stripSha256!)).toBe(true)
    expect(output.proxySha256).toBeUndefined()

    const png = await encode(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080', '-frames:v', '1'], 'still.png')
    const { output: still } = await runHosted({ bytes: png, type: 'image/png' })
    expect(still).toMatchObject({ mimeType: 'image/png', width: 1920, height: 1080 })
    expect(still.stripSha256).toBeUndefined()
    expect(still.proxySha256).toBeUndefined()
  })

  it("keeps a downloaded clip's sound in its proxy", async () => {
    // A 1080p Runway clip that carries sound (a 1 s AAC tone).
    const bytes = await encode(
      ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=24', '-f', 'lavfi', '-i', 'sine=frequency=600', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'],
      'with-sound.mp4',
    )
    const { output } = await runHosted({ bytes, type: 'video/mp4' })
    expect(output).toMatchObject({ mimeType: 'video/mp4', proxyWidth: 1280, proxyHeight: 720 })
    const audio = async (file: string) => {
      const { stdout } = await runProcess(paths.ffprobe, ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=codec_name,duration', '-of', 'json', file])
      return (JSON.parse(stdout.toString()) as { streams: Array<{ codec_name: string; duration: string }> }).streams
    }
    const [source] = await audio(store.blobPath(output.assetSha256))
    const proxy = await audio(store.blobPath(output.proxySha256!))
    expect(proxy).toHaveLength(1)
    expect(proxy[0]!.codec_name).toBe('aac')
    expect(Math.abs(Number(proxy[0]!.duration) - Number(source!.duration))).toBeLessThan(0.05)
  })
})
