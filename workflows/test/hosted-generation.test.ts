import { type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, WorkflowFailedError } from '@temporalio/client'
import { Worker } from '@temporalio/worker'
import type { NatsConnection } from '@nats-io/transport-node'
import { createGeneration, getCreditBalance, getGeneration, type Sql } from '@montage/db'
import { type TBoardCommand } from '@montage/board'
import { generationWorkflowId, jobCredits, subjects, type TGenerationInput, type TRunwayModelId } from '@montage/core'
import { LocalAssetStore } from '@montage/assets'
import { createHostedActivities, resolveFfmpegPaths, runProcess } from '@montage/gpu-worker'
import { RunwayStandIn, type TStandInStep } from '@montage/gpu-worker/testing'
import { cancelGenerationWorkflow, startGenerationWorkflow } from '../src'
import { createStudio, readBoardCommands, startControlRig, startWorkerProcess, type TControlRig } from './helpers'

// Real Temporal, PostgreSQL and NATS; only Runway is the documented-contract stand-in.
const SECRET = `key_${randomUUID()}`
const prefix = `hosted-${randomUUID().slice(0, 8)}`
const ffmpeg = resolveFfmpegPaths(process.env)
let sql: Sql
let nc: NatsConnection
let client: Client
let rig: TControlRig
let dir: string
let store: LocalAssetStore
let standIn: RunwayStandIn
let mp4: Uint8Array
let png: Uint8Array
let plateSha: string
/** The steps of tasks created for a prompt; the default succeeds with a short clip. */
const children: ChildProcess[] = []
const plans = new Map<string, (s: RunwayStandIn) => TStandInStep[]>()

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'montage-hosted-'))
  store = new LocalAssetStore(path.join(dir, 'assets'))
  await mkdir(path.join(dir, 'work'), { recursive: true })
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', path.join(dir, 'out.mp4')])
  await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=192x108', '-frames:v', '1', path.join(dir, 'out.png')])
  mp4 = await readFile(path.join(dir, 'out.mp4'))
  png = await readFile(path.join(dir, 'out.png'))
  plateSha = (await store.putBytes(png)).sha256
  standIn = await new RunwayStandIn({
    apiSecret: SECRET,
    plan: (_endpoint, body, s) => (plans.get(String(body.promptText)) ?? ((x) => [{ status: 'RUNNING', progress: 0.5 }, { status: 'SUCCEEDED', output: [x.addOutput(mp4, 'video/mp4')] }]))(s),
  }).start()

  rig = await startControlRig(prefix)
  ;({ sql, nc, client } = rig)
  rig.run(await Worker.create({
    connection: rig.nativeConnection,
    namespace: 'default',
    taskQueue: `${prefix}-hosted`,
    activities: createHostedActivities({ store, ffmpeg, workDir: path.join(dir, 'work'), nats: nc, runway: { apiSecret: SECRET, baseUrl: standIn.baseUrl, pollIntervalMs: 20, backoffMs: 10 } }),
  }))
})

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await rig?.close()
  await standIn?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const studio = (credits: number) => createStudio(sql, credits, 'Hana')

type TStudio = Awaited<ReturnType<typeof studio>>

/** A Runway model with params of its own (their type is paired with the model's). */
type TRunwayJob = TGenerationInput extends infer T ? (T extends { model: infer M extends TRunwayModelId; params: infer P } ? { model: M; params: P } : never) : never

async function generation(s: TStudio, opts: { job?: TRunwayJob; prompt?: string; credits?: number } = {}): Promise<TGenerationInput> {
  const job = opts.job ?? { model: 'gen4_turbo', params: { duration: 2 } }
  const input: TGenerationInput = {
    generationId: randomUUID(),
    workspaceId: s.ws.id,
    boardId: s.board.id,
    userId: s.user.id,
    shotId: 'shape:shot1',
    variationId: `shape:v-${randomUUID().slice(0, 12)}`,
    ...job,
    prompt: opts.prompt ?? `prompt ${randomUUID()}`,
    referenceAssets: [plateSha],
    referenceIds: ['shape:ref1'],
    credits: opts.credits ?? jobCredits(job),
  }
  await register(input)
  return input
}

async function register(input: TGenerationInput): Promise<void> {
  await createGeneration(sql, {
    id: input.generationId, workspaceId: input.workspaceId, boardId: input.boardId, shotId: input.shotId, variationId: input.variationId,
    model: input.model, params: input.params, credits: input.credits, workflowId: generationWorkflowId(input.generationId), createdBy: input.userId,
  })
}

async function ledger(generationId: string): Promise<Array<{ kind: string; amount: number }>> {
  const rows = await sql<{ kind: string; amount: number }[]>`SELECT kind, amount FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
  return rows.map((r) => ({ kind: r.kind, amount: r.amount }))
}

type TVariationUpsert = Extract<TBoardCommand, { type: 'variation.upsert' }>

/** The variation commands published for a board (workflows publish no other kind). */
async function boardCommands(boardId: string): Promise<TVariationUpsert[]> {
  return (await readBoardCommands(nc, boardId)).filter((c): c is TVariationUpsert => c.type === 'variation.upsert')
}

async function failureOf(input: TGenerationInput): Promise<string> {
  const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
  const err = await handle.result().then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(WorkflowFailedError)
  return String((err as WorkflowFailedError).cause?.message)
}

describe('generation on the hosted queue (Runway)', () => {
  it('renders on Runway, stores the output, charges the published price once and tells the board', async () => {
    const s = await studio(100)
    const input = await generation(s, { job: { model: 'gen4_turbo', params: { duration: 4 } } })
    expect(input.credits).toBe(20)
    const progress: unknown[] = []
    const sub = nc.subscribe(subjects.jobProgress(input.generationId), { callback: (_e, m) => void progress.push(m.json()) })
    const result = await (await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })).result()
    // The board sees Runway's own progress, on the right variation, and the download as storing.
    const target = { generationId: input.generationId, boardId: s.board.id, variationId: input.variationId }
    await expect.poll(() => progress.at(-1)).toEqual({ ...target, stage: 'storing', progress: 1 })
    sub.unsubscribe()
    expect(progress).toContainEqual({ ...target, stage: 'rendering', progress: 0.5 })
    expect(result.output).toMatchObject({ mimeType: 'video/mp4', width: 320, height: 180 })
    expect(await store.has(result.output.assetSha256)).toBe(true)
    expect(await getGeneration(sql, input.generationId)).toMatchObject({ status: 'succeeded', outputAsset: result.output.assetSha256 })
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -20 }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(80)
    expect((await boardCommands(s.board.id)).map((c) => c.patch.status)).toEqual(['running', 'succeeded'])
  })

  it('settles at the cost Runway reports for the task when it is below the reservation, and never above the reservation', async () => {
    const s = await studio(100)
    const cheaper = `cheaper ${randomUUID()}`
    const dearer = `dearer ${randomUUID()}`
    // Runway reports what the task cost once it succeeded (@runwayml/sdk 4.20 `Succeeded.cost`).
    plans.set(cheaper, (x) => [{ status: 'SUCCEEDED', output: [x.addOutput(mp4, 'video/mp4')], cost: { credits: 12 } }])
    plans.set(dearer, (x) => [{ status: 'SUCCEEDED', output: [x.addOutput(mp4, 'video/mp4')], cost: { credits: 35 } }])
    const first = await generation(s, { job: { model: 'gen4_turbo', params: { duration: 4 } }, prompt: cheaper })
    expect(first.credits).toBe(20)
    await (await startGenerationWorkflow({ client, input: first, taskQueuePrefix: prefix })).result()
    // Reserved at our price, settled at theirs: 8 of the 20 go back.
    expect(await ledger(first.generationId)).toEqual([{ kind: 'reserve', amount: -20 }, { kind: 'settle', amount: 8 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(88)
    expect((await boardCommands(s.board.id)).find((c) => c.patch.status === 'succeeded')?.patch.cost).toBe(12)

    const second = await generation(s, { job: { model: 'gen4_turbo', params: { duration: 4 } }, prompt: dearer })
    await (await startGenerationWorkflow({ client, input: second, taskQueuePrefix: prefix })).result()
    // Runway reporting more than was reserved charges the reservation, not a credit more.
    expect(await ledger(second.generationId)).toEqual([{ kind: 'reserve', amount: -20 }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(68)
  })

  it('speaks a prompt on Runway: an audio variation with its duration, charged per started 50 characters', async () => {
    const s = await studio(100)
    const prompt = `Welcome aboard. The ferry to the island leaves from pier four at noon; please keep your tickets. ${randomUUID()}`
    const mp3File = path.join(dir, 'speech.mp3')
    await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=3', '-c:a', 'libmp3lame', mp3File])
    const mp3 = await readFile(mp3File)
    plans.set(prompt, (x) => [{ status: 'RUNNING', progress: 0.3 }, { status: 'SUCCEEDED', output: [x.addOutput(mp3, 'audio/mpeg')] }])
    const job = { model: 'eleven_multilingual_v2', params: { voice: 'Lara' } } as const
    const input = await generation(s, { job, prompt, credits: jobCredits({ ...job, prompt }) })
    // 133 characters: three started blocks of 50.
    expect(prompt.length).toBe(133)
    expect(input.credits).toBe(3)
    const result = await (await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })).result()
    expect(result.output).toMatchObject({ mimeType: 'audio/mpeg', width: 0, height: 0 })
    expect(Math.abs(result.output.durationSeconds - 3)).toBeLessThan(0.1)
    const [row] = await sql<{ mimeType: string; width: number | null; durationMs: number }[]>`
      SELECT mime_type AS "mimeType", width, duration_ms AS "durationMs" FROM assets WHERE workspace_id = ${s.ws.id} AND sha256 = ${result.output.assetSha256}`
    expect(row).toMatchObject({ mimeType: 'audio/mpeg', width: null })
    expect(Math.abs(row!.durationMs - 3000)).toBeLessThan(100)
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -3 }, { kind: 'settle', amount: 0 }])
    const done = (await boardCommands(s.board.id)).at(-1)!
    expect(done.patch).toMatchObject({ status: 'succeeded', mimeType: 'audio/mpeg', assetSha256: result.output.assetSha256, posterSha256: result.output.posterSha256 })
  })

  it('cancel deletes the Runway task, releases the credits and marks the variation cancelled', async () => {
    const s = await studio(100)
    const prompt = `endless ${randomUUID()}`
    plans.set(prompt, () => [{ status: 'RUNNING', progress: 0.3 }])
    const input = await generation(s, { prompt })
    const handle = await startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })
    const task = async () => [...standIn.tasks.values()].find((t) => t.body.promptText === prompt && t.polls > 0)
    while (!(await task())) await new Promise((r) => setTimeout(r, 50))
    await cancelGenerationWorkflow({ client, generationId: input.generationId })
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError)
    expect((await task())!.deleted).toBe(true)
    expect(await getGeneration(sql, input.generationId)).toMatchObject({ status: 'cancelled', error: 'Cancelled.' })
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -10 }, { kind: 'release', amount: 10 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(100)
    expect((await boardCommands(s.board.id)).at(-1)).toMatchObject({ variationId: input.variationId, patch: { status: 'cancelled' } })
  })

  it('a model failure fails the variation with its reason and releases the credits; Retry is a new generation that is charged', async () => {
    const s = await studio(30)
    const prompt = `flaky ${randomUUID()}`
    plans.set(prompt, () => [{ status: 'RUNNING', progress: 0.6 }, { status: 'FAILED', failure: 'bad output', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' }])
    const first = await generation(s, { prompt })
    expect(await failureOf(first)).toMatch(/Runway discarded a low-quality result.*INTERNAL\.BAD_OUTPUT\.CODE01/)
    expect(await getGeneration(sql, first.generationId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/low-quality result/) })
    expect(await ledger(first.generationId)).toEqual([{ kind: 'reserve', amount: -10 }, { kind: 'release', amount: 10 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(30)

    plans.delete(prompt)
    // A Retry's input: the same shot, model, prompt, params and references under new ids.
    const retry = { ...first, generationId: randomUUID(), variationId: 'shape:v-retry' }
    await register(retry)
    await (await startGenerationWorkflow({ client, input: retry, taskQueuePrefix: prefix })).result()
    expect(await getGeneration(sql, retry.generationId)).toMatchObject({ status: 'succeeded', shotId: first.shotId, model: first.model })
    expect(await ledger(retry.generationId)).toEqual([{ kind: 'reserve', amount: -10 }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(20)
    const statuses = (await boardCommands(s.board.id)).map((c) => `${c.variationId}:${c.patch.status}`)
    expect(statuses).toEqual([`${first.variationId}:running`, `${first.variationId}:failed`, 'shape:v-retry:running', 'shape:v-retry:succeeded'])
  })

  it('an output URL that answers 404, a malformed task and out-of-range params each fail with a clear reason and release the credits', async () => {
    const s = await studio(100)
    const gonePrompt = `gone ${randomUUID()}`
    plans.set(gonePrompt, (x) => [{ status: 'SUCCEEDED', output: [x.goneOutputUrl()] }])
    const malformedPrompt = `malformed ${randomUUID()}`
    plans.set(malformedPrompt, () => [{ raw: { status: 'RUNNING', progress: 'half' } }])
    const gone = await generation(s, { prompt: gonePrompt })
    const malformed = await generation(s, { prompt: malformedPrompt })
    const outOfRange = await generation(s, { job: { model: 'gen4_turbo', params: { duration: 60 } }, credits: 10 })
    const posts = standIn.requests.filter((r) => r.method === 'POST').length

    const reasons = await Promise.all([failureOf(gone), failureOf(malformed), failureOf(outOfRange)])
    expect(reasons[0]).toMatch(/could not be downloaded \(HTTP 404\): its link is gone or has expired/)
    expect(reasons[1]).toMatch(/Runway sent a malformed task/)
    expect(reasons[2]).toMatch(/params\.duration: Too big/)
    for (const [i, g] of [gone, malformed, outOfRange].entries()) {
      expect(await getGeneration(sql, g.generationId)).toMatchObject({ status: 'failed', error: reasons[i] })
      expect((await ledger(g.generationId)).map((r) => r.kind)).toEqual(['reserve', 'release'])
    }
    expect(await getCreditBalance(sql, s.ws.id)).toBe(100)
    // The out-of-range one never reached Runway.
    expect(standIn.requests.filter((r) => r.method === 'POST').length).toBe(posts + 2)
  })

  it('50 concurrent generations from 5 users all complete; the ledger sums exactly, no balance goes below zero, no variation twice', async () => {
    const studios = await Promise.all(Array.from({ length: 5 }, () => studio(20)))
    const inputs = await Promise.all(studios.flatMap((s) => Array.from({ length: 10 }, () => generation(s, { job: { model: 'gen4_image_turbo', params: {} } }))))
    expect(inputs.every((i) => i.credits === 2)).toBe(true)
    // Each start twice at once: the workflow id is the idempotency key.
    const handles = await Promise.all(inputs.flatMap((input) => [startGenerationWorkflow({ client, input, taskQueuePrefix: prefix }), startGenerationWorkflow({ client, input, taskQueuePrefix: prefix })]))
    expect(new Set(handles.map((h) => h.workflowId)).size).toBe(50)
    const results = await Promise.allSettled(inputs.map((input) => client.workflow.getHandle(generationWorkflowId(input.generationId)).result()))
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])

    for (const s of studios) {
      expect(await getCreditBalance(sql, s.ws.id)).toBe(0)
      const rows = await sql<{ kind: string; n: number; total: number }[]>`
        SELECT kind, count(*)::int AS n, sum(amount)::int AS total FROM credit_ledger WHERE workspace_id = ${s.ws.id} GROUP BY kind ORDER BY kind`
      expect(rows).toEqual([{ kind: 'grant', n: 1, total: 20 }, { kind: 'reserve', n: 10, total: -20 }, { kind: 'settle', n: 10, total: 0 }])
      // Running sum in ledger order never dips below zero.
      const [dip] = await sql<{ low: number }[]>`
        SELECT min(running)::int AS low FROM (SELECT sum(amount) OVER (ORDER BY id) AS running FROM credit_ledger WHERE workspace_id = ${s.ws.id}) t`
      expect(dip!.low).toBeGreaterThanOrEqual(0)
      const succeeded = (await boardCommands(s.board.id)).filter((c) => c.patch.status === 'succeeded').map((c) => c.variationId)
      expect(succeeded).toHaveLength(10)
      expect(new Set(succeeded).size).toBe(10)
    }
    const rows = await sql`SELECT status, count(DISTINCT variation_id)::int AS n FROM generations WHERE id = ANY(${inputs.map((i) => i.generationId)}) GROUP BY status`
    expect(rows.map((r) => ({ ...r }))).toEqual([{ status: 'succeeded', n: 50 }])
  })

  it('kill -9 of the hosted worker mid-render: after a restart the same Runway task finishes, one asset, credits charged once', async () => {
    const s = await studio(100)
    const prompt = `crash ${randomUUID()}`
    plans.set(prompt, (x) => [...Array.from({ length: 40 }, () => ({ status: 'RUNNING' as const, progress: 0.5 })), { status: 'SUCCEEDED', output: [x.addOutput(mp4, 'video/mp4')] }])
    const input = await generation(s, { prompt })
    const crashPrefix = `${prefix}-crash`
    const startWorker = () =>
      startWorkerProcess(
        'src/hosted-main.ts',
        { TASK_QUEUE_PREFIX: crashPrefix, DATA_DIR: dir, RUNWAYML_API_SECRET: SECRET, RUNWAY_API_BASE_URL: standIn.baseUrl, RUNWAY_POLL_INTERVAL_MS: '50' },
        children,
      )
    const first = await startWorker()
    const handle = await client.workflow.start('generationWorkflow', {
      workflowId: generationWorkflowId(input.generationId),
      taskQueue: `${prefix}-control`,
      args: [{ input, gpuTaskQueue: `${crashPrefix}-gpu`, hostedTaskQueue: `${crashPrefix}-hosted` }],
    })
    const task = () => [...standIn.tasks.values()].filter((t) => t.body.promptText === prompt)
    while ((task()[0]?.polls ?? 0) < 3) await new Promise((r) => setTimeout(r, 20))
    const exited = new Promise((r) => first.once('exit', r))
    first.kill('SIGKILL')
    await exited
    await startWorker()
    await handle.result()

    // The restarted worker resumed the task the first one created: Runway was paid once.
    expect(task()).toHaveLength(1)
    const history = await handle.fetchHistory()
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []))
    expect(attempts).toContain(2)
    expect(await getGeneration(sql, input.generationId)).toMatchObject({ status: 'succeeded' })
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -10 }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(sql, s.ws.id)).toBe(90)
    const assets = await sql`SELECT mime_type FROM assets WHERE workspace_id = ${s.ws.id} ORDER BY mime_type`
    // One clip, its poster and its hover-scrub strip (a 320×180 clip needs no web proxy), each once.
    expect(assets.map((a) => a.mime_type)).toEqual(['image/jpeg', 'image/jpeg', 'video/mp4'])
    expect((await boardCommands(s.board.id)).filter((c) => c.patch.status === 'succeeded')).toHaveLength(1)
  })
})
