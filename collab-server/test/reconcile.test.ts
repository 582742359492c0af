import { randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subjects } from '@montage/core'
import { appendBoardUpdate, createGeneration, finishGeneration, getBoard, markGenerationRunning } from '@montage/db'
import { applyBoardCommand, readRecords, type TBoardCommand } from '@montage/board'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, startServer, storedRecords, waitFor, type TestEnv } from './helpers'
import { jetstream } from '@nats-io/jetstream'

let env: TestEnv
let port: number
const sha = (c: string) => c.repeat(64)

beforeAll(async () => {
  env = await openTestEnv()
  port = (await startServer(env, { reconcileIntervalMs: 200 })).port
})
afterAll(() => closeTestEnv(env))

type TVariation = { props: Record<string, unknown> }
const variation = (doc: Y.Doc, id: string) => readRecords(doc)[id] as unknown as TVariation | undefined

/** A board whose stored document shows `variationIds` running, each with its generation row (running). */
async function boardWithRunningVariations(variationIds: string[]) {
  const { boardId, owner } = await createBoardWithMembers(env)
  const board = (await getBoard(env.db, boardId))!
  const doc = new Y.Doc()
  const generations: Record<string, string> = {}
  for (const variationId of variationIds) {
    const generationId = randomUUID()
    generations[variationId] = generationId
    await createGeneration(env.db, { id: generationId, workspaceId: board.workspaceId, boardId, shotId: 'shape:shot', variationId, model: 'previz', params: {}, credits: 1, workflowId: `generation/${generationId}`, createdBy: owner.id })
    await markGenerationRunning(env.db, generationId)
    applyBoardCommand(doc, { id: `${generationId}:running`, type: 'variation.upsert', boardId, variationId, patch: { shotId: 'shape:shot', generationId, status: 'running', model: 'previz' } })
  }
  await appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(doc) })
  return { boardId, owner, generations }
}

function finishSucceeded(generationId: string) {
  return finishGeneration(env.db, { id: generationId, status: 'succeeded', outputAsset: sha('a'), posterAsset: sha('b'), outputMimeType: 'video/mp4', outputDurationSeconds: 2.5, stripAsset: sha('c'), stripFrames: 10 })
}

describe('reconciliation of variations with the generations table', () => {
  // Bug: a publish lost after the generation row was finished left the variation running on the board for good.
  it('a generation finished in PostgreSQL whose publish was lost reaches the board when it loads', async () => {
    const { boardId, owner, generations } = await boardWithRunningVariations(['shape:done', 'shape:broken', 'shape:busy'])
    await finishSucceeded(generations['shape:done']!)
    await finishGeneration(env.db, { id: generations['shape:broken']!, status: 'failed', error: 'The plate could not be read.' })

    const { doc } = await openProvider(env, port, boardId, owner.token)
    // Already in the first sync: the reconciliation runs before the load completes.
    expect(variation(doc, 'shape:done')!.props).toMatchObject({
      status: 'succeeded', assetSha256: sha('a'), posterSha256: sha('b'), mimeType: 'video/mp4', durationSeconds: 2.5, stripSha256: sha('c'), stripFrames: 10, proxySha256: '', error: '', model: 'previz',
    })
    expect(variation(doc, 'shape:broken')!.props).toMatchObject({ status: 'failed', error: 'The plate could not be read.' })
    // A generation still running in PostgreSQL leaves its variation running.
    expect(variation(doc, 'shape:busy')!.props.status).toBe('running')
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:done'] !== undefined && ((await storedRecords(env.db, boardId))['shape:done'] as unknown as TVariation).props.status === 'succeeded')
  })

  it('and while the board is open; a late redelivered running publish then leaves it succeeded', async () => {
    const { boardId, owner, generations } = await boardWithRunningVariations(['shape:later'])
    const { doc } = await openProvider(env, port, boardId, owner.token)
    expect(variation(doc, 'shape:later')!.props.status).toBe('running')

    await finishSucceeded(generations['shape:later']!)
    await waitFor(() => variation(doc, 'shape:later')?.props.status === 'succeeded')
    expect(variation(doc, 'shape:later')!.props.assetSha256).toBe(sha('a'))

    // The lost command turns up after all, with an older running one behind it; a marker command after both tells they were applied.
    const js = jetstream(env.nats)
    const late: TBoardCommand = { id: randomUUID(), type: 'variation.upsert', boardId, variationId: 'shape:later', patch: { status: 'running' } }
    const marker: TBoardCommand = { id: randomUUID(), type: 'variation.upsert', boardId, variationId: 'shape:marker', patch: { status: 'queued' } }
    await js.publish(subjects.boardCommand(boardId), JSON.stringify(late))
    await js.publish(subjects.boardCommand(boardId), JSON.stringify(marker))
    await waitFor(() => variation(doc, 'shape:marker') !== undefined)
    expect(variation(doc, 'shape:later')!.props).toMatchObject({ status: 'succeeded', assetSha256: sha('a') })
  })
})
