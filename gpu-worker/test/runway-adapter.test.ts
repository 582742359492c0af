import { LocalAssetStore } from '@montage/assets'
import { AppError, jobCredits, listModels, modelAvailability, type TJobProgress, type TRunHostedModelInput } from '@montage/core'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveFfmpegPaths } from '../src/ffmpeg/ffmpeg-paths'
import { runProcess } from '../src/ffmpeg/run-process'
import { RunwayApiError, RunwayClient, RUNWAY_API_VERSION, type TRunwayTaskRequest } from '../src/hosted/runway/RunwayClient'
import { RunwayStandIn, type TStandInStep } from '../testing'
import { runRunwayTask, RunwayTaskFailedError } from '../src/hosted/runway/run-runway-task'

const ffmpeg = resolveFfmpegPaths()
const SECRET = `key_${randomUUID()}`
let dir: string
let store: LocalAssetStore
let mp4: Uint8Array
let png: Uint8Array
let plateSha: string
/** Steps the next task walks through; each test sets its own. */
let nextPlan: (standIn: RunwayStandIn) => TStandInStep[] = () => [{ status: 'PENDING' }]
let standIn: RunwayStandIn

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'runway-adapter-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', path.join(dir, 'out.mp4')])
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=192x108', '-frames:v', '1', path.join(dir, 'out.png')])
  mp4 = await readFile(path.join(dir, 'out.mp4'))
  png = await readFile(path.join(dir, 'out.png'))
  plateSha = (await store.putBytes(png)).sha256
  standIn = await new RunwayStandIn({ apiSecret: SECRET, plan: (_e, _b, s) => nextPlan(s) }).start()
})

afterAll(async () => {
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function deps(overrides: { apiSecret?: string } = {}) {
  const client = new RunwayClient({ apiSecret: overrides.apiSecret ?? SECRET, baseUrl: standIn.baseUrl, backoffMs: 5 })
  return { client, store, ffmpeg, workDir: path.join(dir, 'work'), pollIntervalMs: 10 }
}

function input(overrides: Partial<TRunHostedModelInput> = {}): TRunHostedModelInput {
  return { generationId: randomUUID(), workspaceId: randomUUID(), model: 'gen4_turbo', prompt: 'a lighthouse at dusk', params: { duration: 5 }, referenceAssets: [plateSha], ...overrides }
}

async function run(i: TRunHostedModelInput, signal = new AbortController().signal, extra: { resumeTaskId?: string } = {}) {
  const progress: TJobProgress[] = []
  const created: string[] = []
  const result = runRunwayTask(deps(), i, { signal, onProgress: (p) => progress.push(p), onTaskCreated: (id) => created.push(id), ...extra })
  return { result, progress, created }
}

describe('Runway adapter against the task API stand-in', () => {
  it('creates an image_to_video task, waits through PENDING/THROTTLED/RUNNING, and stores the output with a poster', async () => {
    nextPlan = (s) => [{ status: 'PENDING' }, { status: 'THROTTLED' }, { status: 'RUNNING', progress: 0.4 }, { status: 'SUCCEEDED', output: [s.addOutput(mp4, 'video/mp4')] }]
    const { result, progress, created } = await run(input())
    const output = await result
    expect(output).toMatchObject({ mimeType: 'video/mp4', width: 320, height: 180, fps: 24 })
    expect(await store.has(output.assetSha256)).toBe(true)
    expect(await store.has(output.posterSha256)).toBe(true)
    const task = standIn.tasks.get(created[0]!)!
    expect(task.endpoint).toBe('image_to_video')
    expect(task.body).toMatchObject({ model: 'gen4_turbo', ratio: '1280:720', duration: 5, promptText: 'a lighthouse at dusk' })
    expect(String(task.body.promptImage)).toMatch(/^data:image\/png;base64,/)
    expect(progress.map((p) => `${p.stage}:${p.progress}`)).toEqual(['queued:0', 'queued:0', 'queued:0', 'rendering:0.4', 'storing:0.99', 'storing:1'])
    expect(standIn.requests.every((r) => r.version === RUNWAY_API_VERSION)).toBe(true)
  })

  it('creates a text_to_image task at the asked resolution and stores the still', async () => {
    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(png, 'image/png')] }]
    const { result, created } = await run(input({ model: 'gen4_image', params: { resolution: '1080p', aspectRatio: '9:16' }, referenceAssets: [] }))
    expect(await result).toMatchObject({ mimeType: 'image/png', width: 192, height: 108, durationSeconds: 0 })
    expect(standIn.tasks.get(created[0]!)).toMatchObject({ endpoint: 'text_to_image', body: { model: 'gen4_image', ratio: '1080:1920' } })
    expect(jobCredits({ model: 'gen4_image', params: { duration: 1, resolution: '1080p' } })).toBe(8)
    expect(jobCredits({ model: 'gen4_image', params: { duration: 1, resolution: '720p' } })).toBe(5)
    expect(jobCredits({ model: 'gen4.5', params: { duration: 4 } })).toBe(48)
  })

  it('maps a FAILED task to a clear reason with its failureCode', async () => {
    nextPlan = () => [{ status: 'RUNNING', progress: 0.1 }, { status: 'FAILED', failure: 'Prompt rejected', failureCode: 'SAFETY.INPUT.TEXT' }]
    const { result } = await run(input())
    const err = await result.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RunwayTaskFailedError)
    expect((err as Error).message).toMatch(/content moderation rejected the prompt or a reference.*\[SAFETY\.INPUT\.TEXT\]/)
  })

  it('retries 429 and 5xx answers with backoff, and gives up on a 400 at once', async () => {
    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.addOutput(mp4, 'video/mp4')] }]
    standIn.failNext('POST', 429)
    standIn.failNext('GET', 503, 2)
    const { result } = await run(input())
    await expect(result).resolves.toMatchObject({ mimeType: 'video/mp4' })

    const client = deps().client
    // A body the SDK's types would not let us build (no model), to see Runway's 400 handled.
    const noModel = { endpoint: 'image_to_video', body: { promptText: 'no model' } } as unknown as TRunwayTaskRequest
    await expect(client.createTask(noModel)).rejects.toMatchObject({ status: 400, retryable: false, message: expect.stringMatching(/model: Required/) })
    const badKey = deps({ apiSecret: 'wrong' }).client
    await expect(badKey.getTask('x')).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/API key/) })
    standIn.failNext('GET', 502, 5)
    await expect(client.getTask('x')).rejects.toMatchObject({ status: 502, retryable: true })
  })

  it('deletes the task on Runway when the render is cancelled', async () => {
    nextPlan = () => [{ status: 'RUNNING', progress: 0.2 }]
    const abort = new AbortController()
    const { result, progress, created } = await run(input(), abort.signal)
    const settled = result.catch((e: unknown) => e)
    while (!progress.some((p) => p.stage === 'rendering')) await new Promise((r) => setTimeout(r, 5))
    abort.abort(new Error('cancelled by the user'))
    expect(await settled).toMatchObject({ message: 'cancelled by the user' })
    expect(standIn.tasks.get(created[0]!)!.deleted).toBe(true)
    expect(standIn.requests.some((r) => r.method === 'DELETE' && r.path === `/v1/tasks/${created[0]}`)).toBe(true)
  })

  it('fails clearly on a malformed task answer and on an output URL that answers 404', async () => {
    nextPlan = () => [{ raw: { id: 'x', status: 'SUCCEEDED', output: 'not-a-list' } }]
    const malformed = await (await run(input())).result.catch((e: unknown) => e)
    expect(malformed).toBeInstanceOf(RunwayApiError)
    expect(malformed).toMatchObject({ retryable: false, message: expect.stringMatching(/malformed task \(output:/) })

    nextPlan = (s) => [{ status: 'SUCCEEDED', output: [s.goneOutputUrl()] }]
    const gone = await (await run(input())).result.catch((e: unknown) => e)
    expect(gone).toMatchObject({ retryable: false, status: 404, message: expect.stringMatching(/could not be downloaded \(HTTP 404\): its link is gone or has expired/) })
  })

  it('resumes the task of an earlier attempt instead of creating another', async () => {
    nextPlan = (s) => [{ status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [s.addOutput(mp4, 'video/mp4')] }]
    const first = await deps().client.createTask({ endpoint: 'image_to_video', body: { model: 'gen4_turbo', promptImage: 'https://example.com/first-frame.png', ratio: '1280:720', duration: 5 } })
    const posts = standIn.requests.filter((r) => r.method === 'POST').length
    const { result, created } = await run(input(), undefined, { resumeTaskId: first })
    await expect(result).resolves.toMatchObject({ mimeType: 'video/mp4' })
    expect(created).toEqual([])
    expect(standIn.requests.filter((r) => r.method === 'POST').length).toBe(posts)
  })

  it('refuses parameters out of the model range before calling Runway, naming the field', async () => {
    const posts = standIn.requests.filter((r) => r.method === 'POST').length
    const err = await (await run(input({ params: { duration: 60 } }))).result.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'BAD_REQUEST', field: 'params.duration' })
    // What Runway's API (as @runwayml/sdk types it) does not take: Gen-4.5 without a prompt, and a
    // 1:1 Gen-4.5 clip from text alone (its text_to_video is 16:9 or 9:16).
    const noPrompt = await (await run(input({ model: 'gen4.5', prompt: '  ' }))).result.catch((e: unknown) => e)
    expect(noPrompt).toMatchObject({ code: 'BAD_REQUEST', field: 'prompt', message: expect.stringMatching(/Gen-4.5 \(Runway\) needs a prompt/) })
    const square = await (await run(input({ model: 'gen4.5', referenceAssets: [], params: { duration: 5, aspectRatio: '1:1' } }))).result.catch((e: unknown) => e)
    expect(square).toMatchObject({ code: 'BAD_REQUEST', field: 'params.aspectRatio', message: expect.stringMatching(/1:1 clips only from a reference image/) })
    expect(standIn.requests.filter((r) => r.method === 'POST').length).toBe(posts)
  })

  it('lists Runway models as unavailable with the reason when there is no API key, not hidden', () => {
    const models = listModels({ runwayConfigured: false })
    expect(models.find((m) => m.id === 'gen4.5')).toMatchObject({ available: false, reason: expect.stringMatching(/RUNWAYML_API_SECRET/) })
    expect(models.find((m) => m.id === 'previz')).toMatchObject({ available: true })
    expect(modelAvailability('act_two', { runwayConfigured: true })).toEqual({ available: true })
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['gen4.5', 'gen4_turbo', 'gen4_image', 'gen4_image_turbo', 'aleph2', 'act_two', 'upscale_v1']))
  })
})
