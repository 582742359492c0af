import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Worker } from '@temporalio/worker'
import { WorkflowFailedError } from '@temporalio/client'
import { CancelledFailure } from '@temporalio/common'
import { createReservedGenerations, getAsset, getCreditBalance, getGeneration } from '@montage/db'
import { LocalAssetStore } from '@montage/assets'
import { createGpuActivities, MediaEngine, resolveFfmpegPaths, runProcess } from '@montage/gpu-worker'
import { writeTestClip, writeTestSound } from '@montage/gpu-worker/testing'
import {
  generationWorkflowId,
  layoutTimeline,
  SEQUENCE_RENDER_MODEL,
  sequenceRenderCredits,
  sequenceRenderGenerationInput,
  type TSequenceTimeline,
  type TTimelineClip,
} from '@montage/core'
import { startSequenceRenderWorkflow } from '../src'
import { createStudio, readBoardCommands, startControlRig, type TControlRig } from './helpers'

// Real Temporal (control + gpu workers), PostgreSQL, NATS and ffmpeg: a sequence render as the
// web starts it, from reserved credits to the new version on the board.
const prefix = `seqrender-${randomUUID().slice(0, 8)}`
const ffmpeg = resolveFfmpegPaths(process.env)
let rig: TControlRig
let dataDir: string
let store: LocalAssetStore
let engine: MediaEngine
const shas = { a: '', b: '', c: '', tone: '' }

beforeAll(async () => {
  rig = await startControlRig(prefix)
  dataDir = await mkdtemp(path.join(tmpdir(), 'montage-seqrender-'))
  store = new LocalAssetStore(path.join(dataDir, 'assets'))
  engine = new MediaEngine({ ffmpeg, workDir: path.join(dataDir, 'tmp') })
  rig.run(await Worker.create({ connection: rig.nativeConnection, namespace: 'default', taskQueue: `${prefix}-gpu`, activities: createGpuActivities({ store, engine }) }))
  const put = async (name: string, write: (file: string) => Promise<void>) => {
    const file = path.join(dataDir, name)
    await write(file)
    return (await store.putFile(file)).sha256
  }
  shas.a = await put('a.mp4', (f) => writeTestClip(ffmpeg.ffmpeg, f, { width: 320, height: 180, fps: 24, seconds: 2, rgb: ['200', '30', '40'], sineHz: 440 }))
  shas.b = await put('b.mp4', (f) => writeTestClip(ffmpeg.ffmpeg, f, { width: 240, height: 180, fps: 30, seconds: 2, rgb: ['20', '40', '210'] }))
  shas.c = await put('c.mp4', (f) => writeTestClip(ffmpeg.ffmpeg, f, { width: 320, height: 180, fps: 25, seconds: 2, rgb: ['30', '190', '20'] }))
  shas.tone = await put('tone.wav', (f) => writeTestSound(ffmpeg.ffmpeg, f, { hz: 1000, seconds: 2 }))
})

afterAll(async () => {
  await rig?.close()
  await engine?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

function clip(i: number, sha: string, fields: Partial<TTimelineClip> = {}): TTimelineClip {
  return {
    clipId: `shape:clip${i}`, variationId: `shape:v${i}`, generationId: randomUUID(), assetSha256: sha, mimeType: 'video/mp4', still: false,
    sourceFrames: 48, inFrame: 0, outFrame: 36, transition: 'cut', transitionFrames: 0, gainDb: 0, label: ['Lighthouse wide', 'Keeper close', 'Harbour'][i - 1]!, ...fields,
  }
}

/** Three 1.5 s clips, B crossfading over A for 8 frames, one tone on a music track: 100 frames. */
function timeline(boardId: string, clips?: TTimelineClip[]): TSequenceTimeline {
  return {
    sequenceId: 'shape:seq1', boardId, title: 'Spot', fps: 24, aspectRatio: '16:9', width: 1920, height: 1080, fit: 'letterbox', delivery: false,
    clips: clips ?? [clip(1, shas.a), clip(2, shas.b, { transition: 'crossfade', transitionFrames: 8 }), clip(3, shas.c)],
    audioTracks: [
      {
        trackId: 'music', name: 'Music', gainDb: -3, muted: false,
        items: [{ itemId: 'shape:tone', assetSha256: shas.tone, mimeType: 'audio/wav', name: 'Tone', sourceFrames: 48, startFrame: 12, inFrame: 0, outFrame: 48, gainDb: 0, fadeInFrames: 6, fadeOutFrames: 6 }],
      },
    ],
  }
}

/** What the web's start does: the row (with its request, for Retry) and its reservation, then the workflow. */
async function start(credits: number, clips?: (s: Awaited<ReturnType<typeof createStudio>>) => TTimelineClip[], prores = false) {
  const s = await createStudio(rig.sql, credits, 'Rae')
  const input = sequenceRenderGenerationInput(
    { generationId: randomUUID(), workspaceId: s.ws.id, boardId: s.board.id, userId: s.user.id, variationId: `shape:r${randomUUID().slice(0, 8)}` },
    timeline(s.board.id, clips?.(s)),
    prores,
  )
  await createReservedGenerations(rig.sql, {
    workspaceId: s.ws.id,
    generations: [{
      id: input.generationId, workspaceId: s.ws.id, boardId: s.board.id, shotId: input.shotId, variationId: input.variationId, model: input.model, params: input.params,
      credits: input.credits, workflowId: generationWorkflowId(input.generationId), createdBy: s.user.id, request: { kind: 'sequence', sequenceId: input.shotId, prores },
    }],
  })
  await startSequenceRenderWorkflow({ client: rig.client, input, taskQueuePrefix: prefix })
  return { s, input }
}

async function ledger(generationId: string) {
  const rows = await rig.sql<{ kind: string; amount: number }[]>`SELECT kind, amount FROM credit_ledger WHERE generation_id = ${generationId} ORDER BY id`
  return rows.map((r) => ({ kind: r.kind, amount: r.amount }))
}

async function streams(sha: string) {
  return store.withLocalFile(sha, async (file) => {
    const { stdout } = await runProcess(ffmpeg.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,duration,width,height', '-of', 'json', file])
    return (JSON.parse(stdout.toString()) as { streams: { codec_type: string; codec_name: string; duration: string; width?: number; height?: number }[] }).streams
  })
}

describe('sequenceRenderWorkflow', () => {
  it('renders the sequence into a new version under it: one row priced by its length, settled, the mp4 and ProRes master recorded, the board told', async () => {
    const { s, input } = await start(20, undefined, true)
    const frames = layoutTimeline(input.timeline).totalFrames
    expect(frames).toBe(36 * 3 - 8)
    expect(input.credits).toBe(sequenceRenderCredits({ totalFrames: frames, fps: 24, prores: true }))
    const result = await rig.client.workflow.getHandle(generationWorkflowId(input.generationId)).result()
    const { output } = result

    expect(await getGeneration(rig.sql, input.generationId)).toMatchObject({ status: 'succeeded', model: SEQUENCE_RENDER_MODEL, shotId: 'shape:seq1', outputAsset: output.assetSha256, proxyAsset: output.proxySha256 })
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -input.credits }, { kind: 'settle', amount: 0 }])
    expect(await getCreditBalance(rig.sql, s.ws.id)).toBe(20 - input.credits)

    // The mp4 as delivered: H.264 and AAC, each within one frame of 100 frames at 24 fps.
    const mp4 = await streams(output.assetSha256)
    expect(mp4.map((st) => st.codec_name).sort()).toEqual(['aac', 'h264'])
    for (const st of mp4) expect(Math.abs(Number(st.duration) - frames / 24)).toBeLessThanOrEqual(1 / 24)
    expect(mp4.find((st) => st.codec_type === 'video')).toMatchObject({ width: 1920, height: 1080 })
    // The ProRes master, recorded so the workspace may fetch it.
    expect((await streams(output.proresSha256!)).find((st) => st.codec_type === 'video')?.codec_name).toBe('prores')
    expect(await getAsset(rig.sql, { workspaceId: s.ws.id, sha256: output.proresSha256! })).toMatchObject({ mimeType: 'video/quicktime' })
    expect(await getAsset(rig.sql, { workspaceId: s.ws.id, sha256: output.assetSha256 })).toMatchObject({ mimeType: 'video/mp4' })

    // The board hears of it as of any generation: running, then the outcome, under the sequence.
    const commands = (await readBoardCommands(rig.nc, s.board.id)).filter((c) => c.type === 'variation.upsert' && c.variationId === input.variationId)
    expect(commands.map((c) => (c as { patch: { status?: string } }).patch.status)).toEqual(['running', 'succeeded'])
    expect((commands[1] as { patch: Record<string, unknown> }).patch).toMatchObject({ shotId: 'shape:seq1', assetSha256: output.assetSha256, mimeType: 'video/mp4', proxySha256: output.proxySha256 })
    expect((commands[0] as { patch: Record<string, unknown> }).patch).toMatchObject({ model: SEQUENCE_RENDER_MODEL, cost: input.credits })
  })

  it('a clip gone from the store fails the render naming it: no credits taken, the version marked failed with the reason', async () => {
    const gone = 'e'.repeat(64)
    const { s, input } = await start(20, () => [clip(1, shas.a), clip(2, gone, { transition: 'crossfade', transitionFrames: 8 }), clip(3, shas.c)])
    const err = await rig.client.workflow.getHandle(generationWorkflowId(input.generationId)).result().then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(WorkflowFailedError)
    const reason = 'Clip 2 (Keeper close) is missing from the asset store'
    expect((err as WorkflowFailedError).cause?.message).toBe(reason)
    expect(await getGeneration(rig.sql, input.generationId)).toMatchObject({ status: 'failed', error: reason, outputAsset: null })
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -input.credits }, { kind: 'release', amount: input.credits }])
    expect(await getCreditBalance(rig.sql, s.ws.id)).toBe(20)
    const last = (await readBoardCommands(rig.nc, s.board.id)).filter((c) => c.type === 'variation.upsert').at(-1) as { patch: Record<string, unknown> }
    expect(last.patch).toMatchObject({ status: 'failed', error: reason })
  })

  it('a cancel mid-render kills ffmpeg and leaves no scratch: the version cancelled, its credits released', async () => {
    // A still held for 40 s at 1080p: ffmpeg is still encoding when the cancel comes.
    const still = path.join(dataDir, 'still.png')
    await runProcess(ffmpeg.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=640x360', '-frames:v', '1', still])
    const stillSha = (await store.putFile(still)).sha256
    const { s, input } = await start(100, () => [clip(1, stillSha, { still: true, mimeType: 'image/png', sourceFrames: 960, outFrame: 960 })])
    const handle = rig.client.workflow.getHandle(generationWorkflowId(input.generationId))
    const scratch = () => readdir(path.join(dataDir, 'tmp')).then((names) => names.filter((n) => n.includes(input.generationId)), () => [] as string[])
    const ffmpegs = async () => (await runProcess('ps', ['-eo', 'args']).then((r) => r.stdout.toString())).split('\n').filter((l) => l.includes(`montage-sequence-${input.generationId}`))
    for (let i = 0; i < 100 && (await ffmpegs()).length === 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(await ffmpegs()).toHaveLength(1)
    await handle.cancel()
    const err = await handle.result().then(() => null, (e: unknown) => e)
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure)
    for (let i = 0; i < 100 && ((await ffmpegs()).length || (await scratch()).length); i++) await new Promise((r) => setTimeout(r, 100))
    expect(await ffmpegs()).toEqual([])
    expect(await scratch()).toEqual([])
    expect(await getGeneration(rig.sql, input.generationId)).toMatchObject({ status: 'cancelled', outputAsset: null })
    expect(await ledger(input.generationId)).toEqual([{ kind: 'reserve', amount: -40 }, { kind: 'release', amount: 40 }])
    expect(await getCreditBalance(rig.sql, s.ws.id)).toBe(100)
  })
})
