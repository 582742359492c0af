import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalAssetStore } from '@montage/assets'
import { runwayInputsTaken, type TGenerationOutput, type TRunHostedModelInput } from '@montage/core'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { runProcess } from '../src/ffmpeg/run-process'
import { createHostedActivities } from '../src/hosted/create-hosted-activities'
import { RUNWAY_API_VERSION } from '../src/hosted/runway/RunwayClient'
import { RunwayStandIn, type TStandInStep } from '../testing'
import { runInActivity } from './helpers'

// The models of the refreshed catalogue through the hosted activity, against the stand-in, which
// refuses any body @runwayml/sdk 4.20 does not type for the model (a 400 naming the field), as
// Runway does. ffmpeg and the asset store are real.
const ffmpeg = resolveFfmpegPaths()
const SECRET = `key_${randomUUID()}`
let dir: string
let store: LocalAssetStore
let standIn: RunwayStandIn
type TMedia = { sha256: string; uri: string; bytes: Buffer }
let red: TMedia
let blue: TMedia
let green: TMedia
let clip: TMedia
let still: Buffer
let video: Buffer
let nextPlan: (s: RunwayStandIn) => TStandInStep[] = () => [{ status: 'PENDING' }]

async function media(args: string[], name: string, mime: string): Promise<TMedia> {
  const file = path.join(dir, name)
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-y', ...args, file])
  const bytes = await readFile(file)
  return { sha256: (await store.putBytes(bytes)).sha256, uri: `data:${mime};base64,${bytes.toString('base64')}`, bytes }
}

const png = (color: string, name: string) => media(['-f', 'lavfi', '-i', `color=c=${color}:s=64x36`, '-frames:v', '1'], `${name}.png`, 'image/png')

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'runway-catalogue-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  red = await png('red', 'red')
  blue = await png('blue', 'blue')
  green = await png('green', 'green')
  clip = await media(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'], 'clip.mp4', 'video/mp4')
  still = green.bytes
  video = clip.bytes
  standIn = await new RunwayStandIn({ apiSecret: SECRET, plan: (_e, _b, s) => nextPlan(s) }).start()
})

afterAll(async () => {
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function runHosted(input: Partial<TRunHostedModelInput> & Pick<TRunHostedModelInput, 'model' | 'params'>) {
  const activities = createHostedActivities({
    store,
    ffmpeg,
    workDir: path.join(dir, 'work'),
    runway: { apiSecret: SECRET, baseUrl: standIn.baseUrl, pollIntervalMs: 5, backoffMs: 5 },
  })
  const full: TRunHostedModelInput = { generationId: randomUUID(), workspaceId: randomUUID(), boardId: randomUUID(), variationId: 'shape:v', prompt: '', referenceAssets: [], ...input }
  const before = standIn.requests.length
  const run = await runInActivity(() => activities.runHostedModel(full), { activityType: 'runHostedModel' })
  const taskId = (run.heartbeats as Array<{ taskId?: string }>).find((h) => h.taskId)?.taskId
  return { error: run.error, output: run.value as TGenerationOutput | undefined, requests: standIn.requests.slice(before), task: taskId ? standIn.tasks.get(taskId) : undefined }
}

const succeedWith = (bytes: Buffer, type: string) => (s: RunwayStandIn) => [{ status: 'SUCCEEDED' as const, output: [s.addOutput(bytes, type)] }]

describe('the refreshed Runway catalogue: each model sends the body the SDK types, and the stand-in takes it', () => {
  const cases: Array<{ name: string; input: () => Parameters<typeof runHosted>[0]; endpoint: string; body: () => Record<string, unknown>; out?: 'image' }> = [
    {
      name: 'Veo 3.1 from text alone: text_to_video, 8 s, no sound by default',
      input: () => ({ model: 'veo3.1', prompt: 'a lighthouse at dawn', params: {} }),
      endpoint: 'text_to_video',
      body: () => ({ model: 'veo3.1', promptText: 'a lighthouse at dawn', duration: 8, ratio: '1280:720', audio: false }),
    },
    {
      name: 'Veo 3.1 Fast with a first and a last frame, portrait, 4 s, with sound',
      input: () => ({ model: 'veo3.1_fast', prompt: 'the door opens', params: { duration: 4, aspectRatio: '9:16', audio: true, keyframes: 'first_last', seed: 3 }, referenceAssets: [red.sha256, blue.sha256] }),
      endpoint: 'image_to_video',
      body: () => ({
        model: 'veo3.1_fast',
        promptImage: [{ uri: red.uri, position: 'first' }, { uri: blue.uri, position: 'last' }],
        promptText: 'the door opens',
        duration: 4,
        ratio: '720:1280',
        audio: true,
        seed: 3,
      }),
    },
    {
      name: 'Seedance 2 from a first frame, 1:1, 6 s',
      input: () => ({ model: 'seedance2', prompt: 'petals fall', params: { duration: 6, aspectRatio: '1:1' }, referenceAssets: [red.sha256, blue.sha256] }),
      endpoint: 'image_to_video',
      body: () => ({ model: 'seedance2', promptImage: [{ uri: red.uri, position: 'first' }], promptText: 'petals fall', duration: 6, ratio: '960:960', audio: false }),
    },
    {
      name: "GPT Image 2 with the prompt's @tags, at the quality asked, no seed",
      input: () => ({
        model: 'gpt_image_2',
        prompt: '@hero holds @bottle',
        params: { quality: 'high' },
        references: [{ tag: 'hero', assetSha256: red.sha256, mimeType: 'image/png' }, { tag: 'bottle', assetSha256: blue.sha256, mimeType: 'image/png' }],
      }),
      endpoint: 'text_to_image',
      body: () => ({ model: 'gpt_image_2', promptText: '@hero holds @bottle', ratio: '1920:1088', quality: 'high', referenceImages: [{ uri: red.uri, tag: 'hero' }, { uri: blue.uri, tag: 'bottle' }] }),
      out: 'image',
    },
    ...(['gemini_2.5_flash', 'gemini_image3.1_flash', 'gemini_image3_pro'] as const).map((model) => ({
      name: `${model} with a linked reference as ref1`,
      input: () => ({ model, prompt: 'a poster of ref1', params: { aspectRatio: '9:16' }, referenceAssets: [red.sha256] }),
      endpoint: 'text_to_image',
      body: () => ({ model, promptText: 'a poster of ref1', ratio: '768:1344', referenceImages: [{ uri: red.uri, tag: 'ref1' }] }),
      out: 'image' as const,
    })),
    {
      name: 'Aleph 2 with two keyframes after the clip, at its first and its last frame',
      input: () => ({ model: 'aleph2', prompt: 'snow falls', params: { keyframes: 2 }, referenceAssets: [clip.sha256, red.sha256, blue.sha256, green.sha256] }),
      endpoint: 'video_to_video',
      body: () => ({ model: 'aleph2', videoUri: clip.uri, promptText: 'snow falls', keyframes: [{ uri: red.uri, at: 0 }, { uri: blue.uri, at: 1 }] }),
    },
    {
      name: 'Aleph 2 with three keyframes where the person put them in the clip',
      input: () => ({ model: 'aleph2', prompt: 'snow falls', params: { keyframes: 3, keyframeAt: [0.1, 0.45, 0.9] }, referenceAssets: [clip.sha256, green.sha256, red.sha256, blue.sha256] }),
      endpoint: 'video_to_video',
      body: () => ({ model: 'aleph2', videoUri: clip.uri, promptText: 'snow falls', keyframes: [{ uri: green.uri, at: 0.1 }, { uri: red.uri, at: 0.45 }, { uri: blue.uri, at: 0.9 }] }),
    },
    {
      name: 'Act-Two: a character image driven by a performance clip',
      input: () => ({ model: 'act_two', params: { aspectRatio: '1:1', expressionIntensity: 4 }, referenceAssets: [red.sha256, clip.sha256] }),
      endpoint: 'character_performance',
      body: () => ({ model: 'act_two', character: { type: 'image', uri: red.uri }, reference: { type: 'video', uri: clip.uri }, ratio: '960:960', bodyControl: true, expressionIntensity: 4 }),
    },
    {
      name: 'the Magnific video upscaler at 4K, vivid',
      input: () => ({ model: 'magnific_video_upscaler_creative', params: { resolution: '4k', flavor: 'vivid' }, referenceAssets: [clip.sha256] }),
      endpoint: 'video_upscale',
      body: () => ({ model: 'magnific_video_upscaler_creative', videoUri: clip.uri, resolution: '4k', flavor: 'vivid' }),
    },
    {
      name: 'the Magnific image upscaler at 4×',
      input: () => ({ model: 'magnific_precision_upscaler_v2', params: { scaleFactor: 4 }, referenceAssets: [red.sha256] }),
      endpoint: 'image_upscale',
      body: () => ({ model: 'magnific_precision_upscaler_v2', imageUri: red.uri, scaleFactor: 4, flavor: 'photo' }),
      out: 'image',
    },
  ]

  for (const c of cases) {
    it(c.name, async () => {
      nextPlan = c.out === 'image' ? succeedWith(still, 'image/png') : succeedWith(video, 'video/mp4')
      const { error, output, requests, task } = await runHosted(c.input())
      expect(error).toBeUndefined()
      expect(requests[0]).toEqual({ method: 'POST', path: `/v1/${c.endpoint}`, version: RUNWAY_API_VERSION })
      expect(task!.body).toEqual(c.body())
      expect(output).toMatchObject({ mimeType: c.out === 'image' ? 'image/png' : 'video/mp4' })
    })
  }

  it('refuses, before any task, a last frame without a second image and Aleph keyframes without their images', async () => {
    const veo = await runHosted({ model: 'veo3.1', prompt: 'dusk', params: { keyframes: 'first_last' }, referenceAssets: [red.sha256] })
    expect(veo.error).toMatchObject({ type: 'BAD_REQUEST', message: 'references: Veo 3.1 (Runway) needs two images for a first and a last frame; this shot has 1.' })
    const aleph = await runHosted({ model: 'aleph2', prompt: 'snow', params: { keyframes: 3 }, referenceAssets: [clip.sha256, red.sha256] })
    expect(aleph.error).toMatchObject({ type: 'BAD_REQUEST', message: 'params.keyframes: Aleph 2 (Runway) was asked for 3 keyframes but has 1 image after the clip.' })
    const misplaced = await runHosted({ model: 'aleph2', prompt: 'snow', params: { keyframes: 2, keyframeAt: [0.6, 0.2] }, referenceAssets: [clip.sha256, red.sha256, blue.sha256] })
    expect(misplaced.error).toMatchObject({ type: 'BAD_REQUEST', message: 'params.keyframeAt: the positions must rise, each later in the clip than the one before.' })
    const miscounted = await runHosted({ model: 'aleph2', prompt: 'snow', params: { keyframes: 2, keyframeAt: [0.5] }, referenceAssets: [clip.sha256, red.sha256, blue.sha256] })
    expect(miscounted.error).toMatchObject({ type: 'BAD_REQUEST', message: 'params.keyframeAt: give one position per keyframe (2); it has 1.' })
    expect([...veo.requests, ...aleph.requests, ...misplaced.requests, ...miscounted.requests]).toEqual([])
  })
})

describe('the stand-in holds each endpoint to what the SDK types', () => {
  async function post(endpoint: string, body: unknown): Promise<{ status: number; error?: string }> {
    nextPlan = () => [{ status: 'PENDING' }]
    const res = await fetch(`${standIn.baseUrl}/v1/${endpoint}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET}`, 'X-Runway-Version': RUNWAY_API_VERSION, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    const json = (await res.json()) as { error?: string }
    return { status: res.status, error: json.error }
  }

  it('refuses what Runway refuses, naming the field', async () => {
    const image = `data:image/png;base64,${red.bytes.toString('base64')}`
    // Gen-4.5 takes a first frame only (its promptImage position is 'first').
    expect(await post('image_to_video', { model: 'gen4.5', promptText: 'x', ratio: '1280:720', duration: 5, promptImage: [{ uri: image, position: 'first' }, { uri: image, position: 'last' }] })).toEqual({
      status: 400,
      error: 'promptImage: must be an image URI or 1–1 positioned images',
    })
    expect(await post('image_to_video', { model: 'veo3.1', ratio: '1280:720', duration: 5, promptImage: image })).toEqual({ status: 400, error: 'duration: 5 is not a duration veo3.1 takes' })
    expect(await post('image_to_video', { model: 'veo3.1', ratio: '1280:720', promptImage: [{ uri: image, position: 'last' }] })).toEqual({ status: 400, error: 'promptImage: a last frame needs a first frame' })
    expect(await post('text_to_video', { model: 'gen4_turbo', promptText: 'x', ratio: '1280:720', duration: 5 })).toMatchObject({ status: 400, error: expect.stringMatching(/^model: gen4_turbo is not a text_to_video model/) })
    expect(await post('text_to_image', { model: 'gpt_image_2', promptText: 'x', ratio: '1920:1088', seed: 4 })).toEqual({ status: 400, error: 'seed: unknown field' })
    expect(await post('text_to_image', { model: 'gemini_2.5_flash', promptText: 'x', ratio: '1920:1080' })).toEqual({ status: 400, error: 'ratio: 1920:1080 is not a ratio gemini_2.5_flash makes' })
    const six = Array.from({ length: 6 }, (_, i) => ({ uri: image, at: i / 5 }))
    expect(await post('video_to_video', { model: 'aleph2', videoUri: clip.uri, keyframes: six })).toEqual({ status: 400, error: 'keyframes: must hold 1 to 5 keyframes' })
    expect(await post('video_to_video', { model: 'aleph2', videoUri: clip.uri, keyframes: [{ uri: image, at: 1.5 }] })).toEqual({ status: 400, error: 'keyframes.0.at: must be a fraction from 0 to 1' })
    expect(await post('character_performance', { model: 'act_two', character: { type: 'image', uri: image }, reference: { type: 'video', uri: clip.uri }, expressionIntensity: 6 })).toEqual({
      status: 400,
      error: 'expressionIntensity: must be an integer from 1 to 5',
    })
    expect(await post('image_upscale', { model: 'magnific_precision_upscaler_v2', imageUri: image, scaleFactor: 3 })).toEqual({ status: 400, error: 'scaleFactor: must be 2, 4, 8 or 16' })
  })
})

describe('what a variation lists is what the model was sent', () => {
  // A Gen-4.5 shot with two tags sent one image and listed both.
  it('Gen-4.5 handed the references runwayInputsTaken keeps sends exactly those', async () => {
    nextPlan = succeedWith(video, 'video/mp4')
    const tags = [
      { tag: 'hero', assetSha256: red.sha256, mimeType: 'image/png' },
      { tag: 'bottle', assetSha256: blue.sha256, mimeType: 'image/png' },
    ]
    const taken = runwayInputsTaken('gen4.5', { duration: 5 }, { linked: 0, tagged: tags.length })
    expect(taken).toEqual({ linked: 0, tagged: 1 })
    const { error, task } = await runHosted({ model: 'gen4.5', prompt: '@hero walks past @bottle', params: { duration: 5 }, references: tags.slice(0, taken.tagged) })
    expect(error).toBeUndefined()
    expect(task!.body).toEqual({ model: 'gen4.5', promptImage: red.uri, promptText: '@hero walks past @bottle', ratio: '1280:720', duration: 5 })
    // And handed both, the adapter still sends only the one the variation would list.
    const both = await runHosted({ model: 'gen4.5', prompt: '@hero walks past @bottle', params: { duration: 5 }, references: tags })
    expect(both.task!.body.promptImage).toBe(red.uri)
  })
})

describe("Runway's reported cost", () => {
  it("comes back with the output when Runway reports what the task cost, and not when it does not", async () => {
    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(video, 'video/mp4')], cost: { credits: 37 } }]
    const reported = await runHosted({ model: 'gen4_turbo', params: { duration: 10 }, referenceAssets: [red.sha256] })
    expect(reported.output).toMatchObject({ providerCredits: 37 })
    nextPlan = succeedWith(video, 'video/mp4')
    const silent = await runHosted({ model: 'gen4_turbo', params: { duration: 10 }, referenceAssets: [red.sha256] })
    expect(silent.output).not.toHaveProperty('providerCredits')
  })
})
