import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ApplicationFailure } from '@temporalio/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalAssetStore } from '@montage/assets'
import { modelAvailability, type TGenerationOutput, type TRunHostedModelInput } from '@montage/core'
import { runProcess } from '../src/ffmpeg/run-process'
import { createHostedActivities } from '../src/hosted/create-hosted-activities'
import { RUNWAY_API_VERSION } from '../src/hosted/runway/RunwayClient'
import { RunwayStandIn, type TStandInStep } from '../testing'
import { paths, runInActivity, storedBlobs } from './helpers'

// Runway's edit models through the hosted activity, against the stand-in of Runway's documented
// task API; ffmpeg and the asset store are real.
const SECRET = `key_${randomUUID()}`
let dir: string
let store: LocalAssetStore
let standIn: RunwayStandIn
/** The clip being edited (a succeeded variation's output) and what Runway answers with. */
let source: { sha256: string; bytes: Buffer }
let edited: Buffer
let nextPlan: (standIn: RunwayStandIn) => TStandInStep[] = () => [{ status: 'PENDING' }]

async function encode(args: string[], name: string): Promise<Buffer> {
  const file = path.join(dir, name)
  await runProcess(paths.ffmpeg, ['-v', 'error', '-y', ...args, file])
  return readFile(file)
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'runway-edits-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  const clip = await encode(['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'], 'source.mp4')
  source = { sha256: (await store.putBytes(clip)).sha256, bytes: clip }
  edited = await encode(['-f', 'lavfi', '-i', 'testsrc2=size=480x270:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'], 'edited.mp4')
  standIn = await new RunwayStandIn({ apiSecret: SECRET, plan: (_e, _b, s) => nextPlan(s) }).start()
})

afterAll(async () => {
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** An edit as editGenerationWorkflow hands it to the hosted queue: the source clip first. */
function editInput(overrides: Partial<TRunHostedModelInput> = {}): TRunHostedModelInput {
  return {
    generationId: randomUUID(),
    workspaceId: randomUUID(),
    boardId: randomUUID(),
    variationId: 'shape:edit',
    model: 'aleph2',
    prompt: 'make it night, wet streets',
    params: { seed: 7 },
    referenceAssets: [source.sha256],
    ...overrides,
  }
}

async function runHosted(input: TRunHostedModelInput) {
  const activities = createHostedActivities({
    store,
    ffmpeg: paths,
    workDir: path.join(dir, 'work'),
    runway: { apiSecret: SECRET, baseUrl: standIn.baseUrl, pollIntervalMs: 10, backoffMs: 5 },
  })
  const requestsBefore = standIn.requests.length
  const run = await runInActivity(() => activities.runHostedModel(input), { activityType: 'runHostedModel' })
  const heartbeats = run.heartbeats as Array<{ taskId?: string }>
  // The activity heartbeats the task id as soon as Runway has answered the POST.
  const taskId = heartbeats.find((h) => h.taskId)?.taskId
  return { ...run, output: run.value as TGenerationOutput | undefined, requests: standIn.requests.slice(requestsBefore), task: taskId ? standIn.tasks.get(taskId) : undefined, heartbeats }
}

describe('Runway edit models through the hosted activity', () => {
  it('aleph2: POSTs /v1/video_to_video with the clip as a data URI and the prompt, polls, and stores the edited clip', async () => {
    nextPlan = (s) => [{ status: 'PENDING' }, { status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [s.addOutput(edited, 'video/mp4')] }]
    const { output, error, requests, task } = await runHosted(editInput())
    expect(error).toBeUndefined()

    expect(requests[0]).toEqual({ method: 'POST', path: '/v1/video_to_video', version: RUNWAY_API_VERSION })
    // Runway's documented body: no deprecated `ratio`, no field it does not take.
    expect(task!.body).toEqual({
      model: 'aleph2',
      videoUri: `data:video/mp4;base64,${source.bytes.toString('base64')}`,
      promptText: 'make it night, wet streets',
      seed: 7,
    })
    expect(requests.filter((r) => r.method === 'GET' && r.path === `/v1/tasks/${task!.id}`)).toHaveLength(3)

    expect(output).toMatchObject({ mimeType: 'video/mp4', width: 480, height: 270, fps: 24 })
    expect(await store.has(output!.assetSha256)).toBe(true)
    expect(await store.has(output!.posterSha256)).toBe(true)
    expect(Buffer.compare(await readFile(store.blobPath(output!.assetSha256)), edited)).toBe(0)
  })

  it('aleph2 with an empty prompt sends no promptText (Runway takes a non-empty one or none)', async () => {
    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(edited, 'video/mp4')] }]
    const { error, task } = await runHosted(editInput({ prompt: '  ', params: {} }))
    expect(error).toBeUndefined()
    expect(task!.body).toEqual({ model: 'aleph2', videoUri: expect.stringMatching(/^data:video\/mp4;base64,/) })
  })

  it('a FAILED aleph2 task fails the activity for good with a clear reason naming its failureCode, storing nothing', async () => {
    nextPlan = () => [{ status: 'RUNNING', progress: 0.3 }, { status: 'FAILED', failure: 'Invalid asset dimensions', failureCode: 'ASSET.INVALID.DIMENSIONS' }]
    const before = await storedBlobs(store)
    const { error, task } = await runHosted(editInput())
    expect(task!.endpoint).toBe('video_to_video')
    expect(error).toBeInstanceOf(ApplicationFailure)
    expect(error).toMatchObject({ type: 'RUNWAY_TASK_FAILED', nonRetryable: true, details: [{ failureCode: 'ASSET.INVALID.DIMENSIONS' }] })
    expect((error as Error).message).toMatch(/^Runway could not use a reference \(wrong format, too large, or an unsupported aspect ratio\)\. \[ASSET\.INVALID\.DIMENSIONS\]$/)
    expect(await storedBlobs(store)).toEqual(before)
  })

  it('upscale_v1: Runway retired it, so the activity refuses it with the reason before any task is paid for', async () => {
    const availability = modelAvailability('upscale_v1', { runwayConfigured: true })
    expect(availability.available).toBe(false)
    const { error, requests } = await runHosted(editInput({ model: 'upscale_v1', prompt: '', params: { duration: 5 } }))
    expect(error).toMatchObject({ type: 'BAD_REQUEST', nonRetryable: true, message: `model: ${availability.available ? '' : availability.reason}` })
    expect(requests).toEqual([])
  })

  it("the stand-in holds POST /v1/video_upscale to Runway's current models, each with videoUri", async () => {
    nextPlan = () => [{ status: 'PENDING' }]
    const post = (body: unknown) =>
      fetch(`${standIn.baseUrl}/v1/video_upscale`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'X-Runway-Version': RUNWAY_API_VERSION, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    const videoUri = `data:video/mp4;base64,${source.bytes.toString('base64')}`
    const retired = await post({ model: 'upscale_v1', videoUri })
    expect(retired.status).toBe(400)
    expect(((await retired.json()) as { error: string }).error).toMatch(/^model: upscale_v1 is not a video_upscale model/)
    const magnific = await post({ model: 'magnific_video_upscaler_creative', videoUri, resolution: '4k', creativity: 0 })
    expect(magnific.status).toBe(200)
    expect(standIn.tasks.get(((await magnific.json()) as { id: string }).id)).toMatchObject({ endpoint: 'video_upscale' })
    expect((await post({ model: 'magnific_video_upscaler_creative' })).status).toBe(400)
  })

  it("refuses a source past Runway's inline limits (image 5 MB, clip 16 MB as a data URI) before any task", async () => {
    // Runway's limits apply to the encoded data URI: a 4 MB image and a 12.5 MB clip are over them.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4 * 1024 * 1024)])
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(12.5 * 1024 * 1024)])
    const image = await runHosted(editInput({ model: 'gen4_turbo', referenceAssets: [(await store.putBytes(png)).sha256] }))
    expect(image.error).toMatchObject({ type: 'PAYLOAD_TOO_LARGE', nonRetryable: true, message: 'references: reference 1 is larger than the 5 MB Runway takes inline for an image.' })
    const clip = await runHosted(editInput({ referenceAssets: [(await store.putBytes(mp4)).sha256] }))
    expect(clip.error).toMatchObject({ type: 'PAYLOAD_TOO_LARGE', nonRetryable: true, message: 'references: reference 1 is larger than the 16 MB Runway takes inline for a clip.' })
    expect([...image.requests, ...clip.requests]).toEqual([])
  })
})
