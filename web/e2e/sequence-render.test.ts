import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import type { TLRecord } from 'tldraw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendBoardUpdate, createBoard, getCreditBalance, loadBoardUpdates, recordAsset } from '@montage/db'
import { defaultVariationProps, getRecords, timelineFromBoard, validateRecord } from '@montage/board'
// The testing entry only: the worker's own entry would load ONNX Runtime into the test process.
import { resolveFfmpegPaths, runProcess, writeTestClip } from '@montage/gpu-worker/testing'
import { SEQUENCE_RENDER_MODEL, sequenceRenderCredits, timelineFingerprint } from '@montage/core'
import { startE2EStack, type E2EStack } from './harness'
import { signInCookie, storedRecord } from './review-fixtures'
import { storedBoardScope } from '../lib/server/stored-board-scope'

// `POST /api/sequences/render` against the real stack (web, collab-server, control and gpu
// workers, PostgreSQL, NATS, Temporal, ffmpeg): the timeline comes from the stored board.
let stack: E2EStack
let ada: { cookie: string; userId: string } // producer
let scratch: string
const ffmpeg = resolveFfmpegPaths(process.env)
const clips: { sha256: string; title: string }[] = []

beforeAll(async () => {
  stack = await startE2EStack({ services: ['collab-server', 'workflows', 'gpu-worker', 'web'] })
  ada = await signInCookie(stack, 'local:ada')
  scratch = await mkdtemp(path.join(tmpdir(), 'montage-seq-e2e-'))
  for (const [i, [title, rgb]] of ([['Lighthouse wide', ['200', '30', '40']], ['Keeper close', ['20', '40', '210']], ['Harbour', ['30', '190', '20']]] as const).entries()) {
    const file = path.join(scratch, `clip${i}.mp4`)
    await writeTestClip(ffmpeg.ffmpeg, file, { width: 320, height: 180, fps: 24, seconds: 2, rgb: [...rgb], ...(i === 0 ? { sineHz: 440 } : {}) })
    const stored = await stack.store.putFile(file)
    await recordAsset(stack.sql, { workspaceId: stack.workspaceId, sha256: stored.sha256, mimeType: 'video/mp4', byteSize: stored.byteSize, durationMs: 2000 })
    clips.push({ sha256: stored.sha256, title })
  }
})

afterAll(async () => {
  await stack?.close()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

const shape = (id: string, type: string, index: string, parentId: string, props: Record<string, unknown>): TLRecord =>
  validateRecord({ id, typeName: 'shape', type, x: 0, y: 0, rotation: 0, index, parentId, isLocked: false, opacity: 1, meta: {}, props } as unknown as TLRecord)

/**
 * A fresh board of the demo studio holding three shots with one finished variation each (the
 * second approved only when `approveAll`) and a sequence of them: 36-frame clips, the second
 * crossfading 8 frames. Stored as the collab-server stores a board, before it ever loads it.
 */
async function boardWithSequence(opts: { delivery: boolean; approveAll: boolean; shas?: string[] }): Promise<{ boardId: string; sequenceId: string }> {
  const board = await createBoard(stack.sql, { workspaceId: stack.workspaceId, name: `Sequence ${randomUUID().slice(0, 6)}`, createdBy: ada.userId })
  const page = 'page:main'
  const records: TLRecord[] = [{ id: page, typeName: 'page', name: 'Board', index: 'a1', meta: {} } as unknown as TLRecord]
  const sequenceId = 'shape:seq1'
  for (const [i, clip] of clips.entries()) {
    records.push(shape(`shape:shot${i}`, 'shot', `a${i + 2}`, page, { w: 360, h: 424, title: clip.title, prompt: '', model: 'previz', duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [] }))
    records.push(
      shape(`shape:var${i}`, 'variation', `a${i + 5}`, page, {
        ...defaultVariationProps(), shotId: `shape:shot${i}`, generationId: randomUUID(), status: 'succeeded', assetSha256: opts.shas?.[i] ?? clip.sha256, mimeType: 'video/mp4', durationSeconds: 2, model: 'previz',
        reviewState: i === 1 && !opts.approveAll ? 'pending' : 'approved',
      }),
    )
  }
  records.push(
    shape(sequenceId, 'sequence', 'a8', page, { w: 800, h: 200, title: 'Spot', fps: 24, aspectRatio: '16:9', fit: 'letterbox', delivery: opts.delivery, audioTracks: [{ id: 'music', name: 'Music', gainDb: 0, muted: false }] }),
  )
  for (const i of [0, 1, 2]) {
    records.push(shape(`shape:clip${i}`, 'sequence-clip', `a${i + 1}`, sequenceId, { w: 100, h: 60, variationId: `shape:var${i}`, inFrame: 6, outFrame: 42, transition: i === 1 ? 'crossfade' : 'cut', transitionFrames: i === 1 ? 8 : 0, gainDb: 0 }))
  }
  const doc = new Y.Doc()
  const kv = getRecords(doc)
  doc.transact(() => records.forEach((r) => kv.set(r.id, r)))
  await appendBoardUpdate(stack.sql, { boardId: board.id, update: Y.encodeStateAsUpdate(doc) })
  doc.destroy()
  return { boardId: board.id, sequenceId }
}

async function post(url: string, body: unknown): Promise<{ status: number; json: { generationId?: string; credits?: number; error?: { code: string; message: string; field?: string } } }> {
  const res = await fetch(`${stack.baseUrl}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: ada.cookie }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

/** The render's row once it has finished (succeeded, failed or cancelled). */
async function finished(generationId: string) {
  for (let i = 0; i < 240; i++) {
    const [row] = await stack.sql<{ status: string; error: string | null; output_asset: string | null }[]>`SELECT status::text AS status, error, output_asset FROM generations WHERE id = ${generationId}`
    if (row && ['succeeded', 'failed', 'cancelled'].includes(row.status)) return row
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`render ${generationId} did not finish`)
}

const render = (body: unknown) => post('/api/sequences/render', body)

const rowsOf = (boardId: string) => stack.sql<{ id: string; status: string; model: string; error: string | null; output_asset: string | null }[]>`
  SELECT id, status::text AS status, model, error, output_asset FROM generations WHERE board_id = ${boardId}`

describe('POST /api/sequences/render', () => {
  it('refuses a bad body naming the field, storing nothing', async () => {
    const { boardId, sequenceId } = await boardWithSequence({ delivery: false, approveAll: true })
    const before = await getCreditBalance(stack.sql, stack.workspaceId)
    const missing = await render({ boardId, variationId: 'shape:render1' })
    expect(missing.status).toBe(400)
    expect(missing.json.error?.field).toBe('sequenceId')
    const badFlag = await render({ boardId, sequenceId, variationId: 'shape:render1', prores: 'yes' })
    expect(badFlag.status).toBe(400)
    expect(badFlag.json.error?.field).toBe('prores')
    const notAShape = await render({ boardId, sequenceId: 'seq1', variationId: 'shape:render1' })
    expect(notAShape.status).toBe(400)
    expect(notAShape.json.error?.message).toBe('sequenceId: must be a shape id like shape:abc')
    const noSuchSequence = await render({ boardId, sequenceId: 'shape:nothere', variationId: 'shape:render1' })
    expect(noSuchSequence.status).toBe(400)
    expect(noSuchSequence.json.error?.message).toMatch(/This sequence is not on the board/)
    expect(await rowsOf(boardId)).toEqual([])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(before)
  })

  it('refuses a sequence marked for delivery with a clip not approved, naming the clip; nothing stored, nothing charged', async () => {
    const { boardId, sequenceId } = await boardWithSequence({ delivery: true, approveAll: false })
    const before = await getCreditBalance(stack.sql, stack.workspaceId)
    const refused = await render({ boardId, sequenceId, variationId: 'shape:render1' })
    expect(refused.status).toBe(409)
    expect(refused.json.error?.message).toBe('This sequence is marked for delivery, so every clip must be approved: Clip 2 (Keeper close) is not. Approve it or take it out.')
    expect(await rowsOf(boardId)).toEqual([])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(before)
  })

  it('renders an approved delivery sequence into a new version under it, charged by its length', async () => {
    const { boardId, sequenceId } = await boardWithSequence({ delivery: true, approveAll: true })
    const before = await getCreditBalance(stack.sql, stack.workspaceId)
    const started = await render({ boardId, sequenceId, variationId: 'shape:render1' })
    expect(started.status).toBe(202)
    const frames = 36 * 3 - 8
    expect(started.json.credits).toBe(sequenceRenderCredits({ totalFrames: frames, fps: 24, prores: false }))

    let row: Awaited<ReturnType<typeof rowsOf>>[number] | undefined
    for (let i = 0; i < 240 && row?.status !== 'succeeded' && row?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 500))
      ;[row] = await rowsOf(boardId)
    }
    expect(row).toMatchObject({ id: started.json.generationId, status: 'succeeded', model: SEQUENCE_RENDER_MODEL, error: null })
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(before - started.json.credits!)

    const probe = await stack.store.withLocalFile(row!.output_asset!, async (file) => {
      const { stdout } = await runProcess(ffmpeg.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,duration', '-of', 'json', file])
      return JSON.parse(stdout.toString()) as { streams: { codec_type: string; duration: string }[] }
    })
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video'])
    for (const s of probe.streams) expect(Math.abs(Number(s.duration) - frames / 24)).toBeLessThanOrEqual(1 / 24)

    // The board holds the render as a succeeded version under the sequence.
    let variation: Record<string, unknown> | undefined
    for (let i = 0; i < 60 && (variation?.props as { status?: string } | undefined)?.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 500))
      variation = await storedRecord(stack.sql, boardId, 'shape:render1')
    }
    expect(variation?.props).toMatchObject({ status: 'succeeded', shotId: sequenceId, model: SEQUENCE_RENDER_MODEL, assetSha256: row!.output_asset })

    // Reviewable like any version: a review link of the board, or of the sequence alone, shows the render to guests.
    for (const scope of [{ scope: 'board', shotId: null }, { scope: 'shot', shotId: sequenceId }] as const) {
      const seen = await storedBoardScope(stack.sql, { boardId, ...scope })
      expect(seen.shots.map((s) => [s.id, s.title]), scope.scope).toContainEqual([sequenceId, 'Spot'])
      expect(seen.shots.find((s) => s.id === sequenceId)!.variations).toEqual([expect.objectContaining({ id: 'shape:render1', status: 'succeeded', assetSha256: row!.output_asset })])
      expect(seen.assetShas.has(row!.output_asset!)).toBe(true)
    }
  })

  // The collab-server stores edits a moment after they happen: a trim made just before Render was
  // left out of the render. The canvas now sends what the person saw, and the server waits for it.
  it('renders the timeline the person saw once the board has stored it, and refuses one it never stores', async () => {
    const { boardId, sequenceId } = await boardWithSequence({ delivery: false, approveAll: true })
    const before = await getCreditBalance(stack.sql, stack.workspaceId)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.mergeUpdates(await loadBoardUpdates(stack.sql, boardId)))
    const stateBefore = Y.encodeStateVector(doc)
    const kv = getRecords(doc)
    const clip0 = kv.get('shape:clip0') as unknown as { props: Record<string, unknown> }
    kv.set('shape:clip0', { ...clip0, props: { ...clip0.props, outFrame: 30 } } as never)
    const trimmed = timelineFromBoard([...kv.map.values()].map((e) => e.val as unknown as TLRecord), sequenceId, boardId)
    if (!trimmed.ok) throw new Error(trimmed.problems.join(' '))
    const seen = createHash('sha256').update(timelineFingerprint(trimmed.timeline)).digest('hex')

    // A timeline the board never comes to hold: refused after the wait, nothing stored or charged.
    const never = await render({ boardId, sequenceId, variationId: 'shape:render-never', timelineSha256: 'f'.repeat(64) })
    expect(never.status).toBe(409)
    expect(never.json.error?.field).toBe('timelineSha256')
    expect(never.json.error?.message).toMatch(/not the one on your screen/)
    expect(await rowsOf(boardId)).toEqual([])
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(before)

    // The trim reaches the store a second and a half after Render was pressed: the render waits for it.
    const storedLater = (async () => {
      await new Promise((r) => setTimeout(r, 1500))
      await appendBoardUpdate(stack.sql, { boardId, update: Y.encodeStateAsUpdate(doc, stateBefore) })
    })()
    const started = await render({ boardId, sequenceId, variationId: 'shape:render-seen', timelineSha256: seen })
    await storedLater
    doc.destroy()
    expect(started.status).toBe(202)
    const frames = (30 - 6) + 36 + 36 - 8
    expect(started.json.credits).toBe(sequenceRenderCredits({ totalFrames: frames, fps: 24, prores: false }))
    const row = await finished(started.json.generationId!)
    expect(row.status).toBe('succeeded')
    const duration = await stack.store.withLocalFile(row.output_asset!, async (file) => {
      const { stdout } = await runProcess(ffmpeg.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file])
      return Number(stdout.toString().trim())
    })
    expect(Math.abs(duration - frames / 24)).toBeLessThanOrEqual(1 / 24)
  })

  it('a clip gone from the store fails the render with its name and takes no credits; once it is back, Retry renders', async () => {
    const file = path.join(scratch, 'missing.mp4')
    await writeTestClip(ffmpeg.ffmpeg, file, { width: 320, height: 180, fps: 24, seconds: 2, rgb: ['90', '90', '90'] })
    const sha = createHash('sha256').update(await readFile(file)).digest('hex')
    const { boardId, sequenceId } = await boardWithSequence({ delivery: false, approveAll: true, shas: [clips[0]!.sha256, clips[1]!.sha256, sha] })
    const before = await getCreditBalance(stack.sql, stack.workspaceId)
    const started = await post('/api/sequences/render', { boardId, sequenceId, variationId: 'shape:render1' })
    expect(started.status).toBe(202)
    expect(await finished(started.json.generationId!)).toMatchObject({ status: 'failed', error: 'Clip 3 (Harbour) is missing from the asset store', output_asset: null })
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(before)

    await stack.store.putFile(file)
    const retried = await post(`/api/generations/${started.json.generationId}/retry`, { variationId: 'shape:render2' })
    expect(retried.status).toBe(202)
    expect(retried.json).toMatchObject({ retryOf: started.json.generationId, variationId: 'shape:render2', credits: started.json.credits })
    expect(await finished(retried.json.generationId!)).toMatchObject({ status: 'succeeded', error: null })
    expect(await getCreditBalance(stack.sql, stack.workspaceId)).toBe(before - retried.json.credits!)
  })
})
