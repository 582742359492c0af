import { LocalAssetStore } from '@montage/assets'
import { AppError, jobCredits, listModels, type TJobProgress, type TRunHostedModelInput } from '@montage/core'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { probeMedia } from '../src/ffmpeg/probe-media'
import { runProcess } from '../src/ffmpeg/run-process'
import { RunwayClient } from '../src/hosted/runway/RunwayClient'
import { runRunwayTask, RunwayTaskFailedError } from '../src/hosted/runway/run-runway-task'
import { storeHostedRenditions } from '../src/hosted/store-hosted-renditions'
import { RunwayStandIn, type TStandInStep } from '../testing'

const ffmpeg = resolveFfmpegPaths()
const SECRET = `key_${randomUUID()}`
let dir: string
let store: LocalAssetStore
let mp3: Uint8Array
let wav: Uint8Array
let nextPlan: (standIn: RunwayStandIn) => TStandInStep[] = () => [{ status: 'PENDING' }]
let standIn: RunwayStandIn

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'runway-audio-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  // What Runway's audio models answer: an MP3 (speech here is a 2.5 s tone, the effect a 7 s one).
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=2.5', '-c:a', 'libmp3lame', '-b:a', '128k', path.join(dir, 'speech.mp3')])
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=880:duration=7', '-ac', '2', path.join(dir, 'effect.wav')])
  mp3 = await readFile(path.join(dir, 'speech.mp3'))
  wav = await readFile(path.join(dir, 'effect.wav'))
  standIn = await new RunwayStandIn({ apiSecret: SECRET, plan: (_e, _b, s) => nextPlan(s) }).start()
})

afterAll(async () => {
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function client(): RunwayClient {
  return new RunwayClient({ apiSecret: SECRET, baseUrl: standIn.baseUrl, backoffMs: 5 })
}

function run(i: Partial<TRunHostedModelInput>) {
  const created: string[] = []
  const progress: TJobProgress[] = []
  const full: TRunHostedModelInput = { generationId: randomUUID(), workspaceId: randomUUID(), model: 'eleven_multilingual_v2', prompt: 'Welcome to the harbour.', params: {}, referenceAssets: [], ...i }
  const result = runRunwayTask(
    { client: client(), store, ffmpeg, workDir: path.join(dir, 'work'), pollIntervalMs: 10 },
    full,
    { signal: new AbortController().signal, onProgress: (p) => progress.push(p), onTaskCreated: (id) => created.push(id) },
  )
  return { result, created, progress }
}

const posts = () => standIn.requests.filter((r) => r.method === 'POST').length

describe('Runway audio models against the task API stand-in', () => {
  it('speaks the prompt: a text_to_speech task with a preset voice, the MP3 stored with its duration and a waveform poster', async () => {
    nextPlan = (s) => [{ status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [s.addOutput(mp3, 'audio/mpeg')] }]
    const { result, created } = await run({ prompt: '  Welcome to the harbour.  ', params: { voice: 'Rachel' } })
    const output = await result
    expect(standIn.tasks.get(created[0]!)).toMatchObject({
      endpoint: 'text_to_speech',
      body: { model: 'eleven_multilingual_v2', promptText: 'Welcome to the harbour.', voice: { type: 'runway-preset', presetId: 'Rachel' } },
    })
    expect(output).toMatchObject({ mimeType: 'audio/mpeg', width: 0, height: 0, fps: 0 })
    // An MP3's encoder delay pads it by a frame or two; the tone was 2.5 s.
    expect(output.durationSeconds).toBeGreaterThan(2.4)
    expect(output.durationSeconds).toBeLessThan(2.65)
    expect(Buffer.from(await readAll(output.assetSha256)).equals(Buffer.from(mp3))).toBe(true)
    const poster = await store.withLocalFile(output.posterSha256, (f) => probeMedia(ffmpeg.ffprobe, f, 'the waveform'))
    expect(poster).toMatchObject({ kind: 'image', codec: 'mjpeg', width: 960, height: 240 })
    // A sound gets no strip and no proxy: storeHostedRenditions passes it through.
    expect(await storeHostedRenditions(output, { store, ffmpeg, workDir: path.join(dir, 'work') })).toEqual(output)
  })

  it('uses Maya when no voice is chosen, and prices speech per started 50 characters', async () => {
    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(mp3, 'audio/mpeg')] }]
    const { result, created } = await run({ params: {} })
    await result
    expect(standIn.tasks.get(created[0]!)!.body).toEqual({ model: 'eleven_multilingual_v2', promptText: 'Welcome to the harbour.', voice: { type: 'runway-preset', presetId: 'Maya' } })
    const price = (prompt: string) => jobCredits({ model: 'eleven_multilingual_v2', params: { voice: 'Maya' }, prompt })
    expect(price('x'.repeat(50))).toBe(1)
    expect(price('x'.repeat(51))).toBe(2)
    expect(price(`  ${'x'.repeat(120)}  `)).toBe(3)
    expect(price('x'.repeat(1000))).toBe(20)
  })

  it('makes a sound effect: a sound_effect task with its duration and loop, the WAV stored as audio/wav; priced per started 6 s', async () => {
    nextPlan = (s) => [{ status: 'PENDING' }, { status: 'SUCCEEDED', output: [s.addOutput(wav, 'audio/wav')] }]
    const { result, created } = await run({ model: 'eleven_text_to_sound_v2', prompt: 'gulls over a harbour', params: { duration: 7, loop: true } })
    const output = await result
    expect(standIn.tasks.get(created[0]!)).toMatchObject({ endpoint: 'sound_effect', body: { model: 'eleven_text_to_sound_v2', promptText: 'gulls over a harbour', duration: 7, loop: true } })
    expect(output.mimeType).toBe('audio/wav')
    expect(output.durationSeconds).toBeCloseTo(7, 1)
    const price = (duration: number) => jobCredits({ model: 'eleven_text_to_sound_v2', params: { duration, loop: false } })
    expect([1, 6, 7, 12, 13, 30].map(price)).toEqual([1, 1, 2, 2, 3, 5])
  })

  it('refuses before calling Runway: no prompt, speech over 1000 characters, a voice Runway does not have, a sound over 30 s', async () => {
    const before = posts()
    const noWords = await run({ prompt: '   ' }).result.catch((e: unknown) => e)
    expect(noWords).toBeInstanceOf(AppError)
    expect(noWords).toMatchObject({ code: 'BAD_REQUEST', field: 'prompt', message: expect.stringMatching(/Speech \(Runway\) needs a prompt \(the words to speak\)/) })
    const tooLong = await run({ prompt: 'a'.repeat(1001) }).result.catch((e: unknown) => e)
    expect(tooLong).toMatchObject({ code: 'BAD_REQUEST', field: 'prompt', message: expect.stringMatching(/at most 1000 characters; this prompt has 1001/) })
    const voice = await run({ params: { voice: 'Nobody' } }).result.catch((e: unknown) => e)
    expect(voice).toMatchObject({ code: 'BAD_REQUEST', field: 'params.voice' })
    const long = await run({ model: 'eleven_text_to_sound_v2', prompt: 'rain', params: { duration: 31 } }).result.catch((e: unknown) => e)
    expect(long).toMatchObject({ code: 'BAD_REQUEST', field: 'params.duration' })
    expect(posts()).toBe(before)
  })

  it("maps a FAILED task to its reason, and refuses an output that is not a readable sound", async () => {
    nextPlan = () => [{ status: 'FAILED', failure: 'Prompt rejected', failureCode: 'SAFETY.INPUT.TEXT' }]
    const failed = await run({}).result.catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(RunwayTaskFailedError)
    expect((failed as Error).message).toMatch(/\[SAFETY\.INPUT\.TEXT\]/)

    // An ID3 tag and then text: sniffed as an MP3, refused by the probe, nothing stored.
    const fake = Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(10), Buffer.from('not audio at all\n'.repeat(100))])
    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(fake, 'audio/mpeg')] }]
    const unreadable = await run({}).result.catch((e: unknown) => e)
    expect(unreadable).toMatchObject({ code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(/Runway's result is not a readable sound|Runway's result has no audio/) })
  })

  it('the stand-in answers the documented contract: a voice that is no preset and a duration past 30 s are 400s', async () => {
    const c = client()
    // Bodies the SDK's types refuse, sent anyway to see Runway's answer.
    const badVoice = { endpoint: 'text_to_speech', body: { model: 'eleven_multilingual_v2', promptText: 'hi', voice: { type: 'runway-preset', presetId: 'Nobody' } } } as never
    await expect(c.createTask(badVoice)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/presetId: Nobody is not a preset voice/) })
    const long = { endpoint: 'sound_effect', body: { model: 'eleven_text_to_sound_v2', promptText: 'rain', duration: 45 } } as never
    await expect(c.createTask(long)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/duration: must be a number from 0.5 to 30/) })
  })

  it('lists both audio models, unavailable without an API key like every Runway model', () => {
    const models = listModels({ runwayConfigured: false })
    expect(models.find((m) => m.id === 'eleven_multilingual_v2')).toMatchObject({ available: false, reason: expect.stringMatching(/RUNWAYML_API_SECRET/) })
    expect(listModels({ runwayConfigured: true }).find((m) => m.id === 'eleven_text_to_sound_v2')).toMatchObject({ available: true })
  })
})

async function readAll(sha256: string): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of await store.read(sha256)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
