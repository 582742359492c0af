import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { subjects } from '@montage/core'
import { getRecords, readRecords, type TBoardCommand, type TReviewState, type TVariationPatch, type TVariationProps } from '@montage/board'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, quietLogger, shapeRecord, startServer, storedRecords, waitFor, type TestEnv, type TestUser } from './helpers'

type TClient = Awaited<ReturnType<typeof openProvider>>
type TVariationRecord = { id: string; x: number; props: TVariationProps }

const VARIATION = 'shape:v-hero'

let env: TestEnv
let port: number
let loadedBoards: () => string[]
const logger = quietLogger()

beforeAll(async () => {
  env = await openTestEnv()
  const started = await startServer(env, { logger })
  port = started.port
  loadedBoards = () => started.server.loadedBoards()
})
afterAll(() => closeTestEnv(env))

/** What the decision route and the workflows publish: the only writer of `reviewState`. */
async function command(boardId: string, patch: TVariationPatch): Promise<void> {
  const cmd: TBoardCommand = { id: randomUUID(), type: 'variation.upsert', boardId, variationId: VARIATION, patch }
  await env.nats.jetstream().publish(subjects.boardCommand(boardId), JSON.stringify(cmd), { msgID: cmd.id })
}

function variationIn(client: TClient, id = VARIATION): TVariationRecord | undefined {
  return readRecords(client.doc)[id] as unknown as TVariationRecord | undefined
}

function stateIn(client: TClient, id = VARIATION): TReviewState | undefined {
  return variationIn(client, id)?.props.reviewState
}

/** Same state vector: each holds every item the other does, a server's revert included. */
function converged(a: TClient, b: TClient): boolean {
  return Buffer.from(Y.encodeStateVector(a.doc)).equals(Buffer.from(Y.encodeStateVector(b.doc)))
}

/** Sent after a change by the same client: once `b` has it, `b` has whatever the server sent back before. */
async function sendMarker(from: TClient, to: TClient): Promise<void> {
  const id = `shape:marker-${randomUUID().slice(0, 8)}`
  getRecords(from.doc).set(id, shapeRecord(id))
  await waitFor(() => readRecords(to.doc)[id] !== undefined && converged(from, to))
}

function revertsLogged(lines: string[], boardId: string): string[] {
  return lines.filter((l) => l.startsWith('warn reverted') && l.includes(boardId))
}

/** Two editors on a board holding one succeeded variation, decided `reviewState` the server's way. */
async function boardWithVariation(reviewState: TReviewState, ports: [number, number] = [port, port]): Promise<{ boardId: string; owner: TestUser; editors: TestUser[]; a: TClient; b: TClient }> {
  const { boardId, owner, members: editors } = await createBoardWithMembers(env, ['editor', 'editor'])
  const a = await openProvider(env, ports[0], boardId, editors[0]!.token)
  const b = await openProvider(env, ports[1], boardId, editors[1]!.token)
  await command(boardId, { status: 'succeeded', model: 'previz', prompt: 'a lighthouse at dusk', assetSha256: 'a'.repeat(64) })
  await waitFor(() => stateIn(a) === 'pending' && stateIn(b) === 'pending')
  if (reviewState !== 'pending') {
    await command(boardId, { reviewState })
    await waitFor(() => stateIn(a) === reviewState && stateIn(b) === reviewState)
  }
  return { boardId, owner, editors, a, b }
}

describe('review decisions are the server’s', () => {
  it('puts back an approved variation a client deleted, for every client, and stores it', async () => {
    const { boardId, owner, editors, a, b } = await boardWithVariation('approved')
    const approved = structuredClone(variationIn(a))
    getRecords(a.doc).delete(VARIATION)
    expect(variationIn(a)).toBeUndefined()

    // Only the server's revert can bring it back to `a`, and `b` then holds that revert too.
    await waitFor(() => variationIn(a) !== undefined && converged(a, b))
    expect(variationIn(a)).toEqual(approved)
    expect(variationIn(b)).toEqual(approved)
    const logged = revertsLogged(logger.lines, boardId)
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain(editors[0]!.id)
    expect(logged[0]).toContain(VARIATION)

    // Everyone leaves: the room stores and unloads; the next join loads it from the database.
    a.provider.destroy()
    b.provider.destroy()
    await waitFor(() => !loadedBoards().includes(boardId))
    expect((await storedRecords(env.db, boardId))[VARIATION]).toEqual(approved)
    const reloaded = await openProvider(env, port, boardId, owner.token)
    expect(variationIn(reloaded)).toEqual(approved)
  })

  it('puts back the review state a client set itself, keeping the rest of its edit', async () => {
    const { boardId, a, b } = await boardWithVariation('pending')
    const before = variationIn(a)!
    getRecords(a.doc).set(VARIATION, { ...before, x: before.x + 500, props: { ...before.props, reviewState: 'approved' } } as never)
    expect(stateIn(a)).toBe('approved')

    await waitFor(() => stateIn(a) === 'pending' && converged(a, b))
    for (const client of [a, b]) expect(variationIn(client)).toMatchObject({ x: before.x + 500, props: { reviewState: 'pending' } })
    expect(revertsLogged(logger.lines, boardId)).toHaveLength(1)
    await waitFor(async () => ((await storedRecords(env.db, boardId))[VARIATION] as TVariationRecord).x === before.x + 500)
    expect((await storedRecords(env.db, boardId))[VARIATION]).toMatchObject({ props: { reviewState: 'pending' } })
  })

  it('lets a client delete a variation nobody approved', async () => {
    const { boardId, a, b } = await boardWithVariation('pending')
    getRecords(a.doc).delete(VARIATION)
    await sendMarker(a, b)
    expect(variationIn(a)).toBeUndefined()
    expect(variationIn(b)).toBeUndefined()
    expect(revertsLogged(logger.lines, boardId)).toEqual([])
    await waitFor(async () => Object.keys(await storedRecords(env.db, boardId)).some((id) => id.startsWith('shape:marker-')))
    expect(await storedRecords(env.db, boardId)).not.toHaveProperty(VARIATION)
  })

  it("applies the server's own decision, after which a client may delete the variation", async () => {
    const { boardId, a, b } = await boardWithVariation('approved')
    await command(boardId, { reviewState: 'changes_requested' })
    await waitFor(() => stateIn(a) === 'changes_requested' && stateIn(b) === 'changes_requested')

    getRecords(a.doc).delete(VARIATION)
    await sendMarker(a, b)
    expect(variationIn(a)).toBeUndefined()
    expect(variationIn(b)).toBeUndefined()
    expect(revertsLogged(logger.lines, boardId)).toEqual([])
  })

  it('gives a variation a client created (a duplicate of an approved one) no approval of its own', async () => {
    const { boardId, a, b } = await boardWithVariation('approved')
    const original = variationIn(a)!
    getRecords(a.doc).set('shape:v-copy', { ...original, id: 'shape:v-copy', x: original.x + 400 } as never)

    await waitFor(() => stateIn(a, 'shape:v-copy') === 'pending' && converged(a, b))
    expect(stateIn(b, 'shape:v-copy')).toBe('pending')
    expect(stateIn(a)).toBe('approved')
    expect(stateIn(b)).toBe('approved')
    expect(revertsLogged(logger.lines, boardId)).toHaveLength(1)
  })

  it('is reverted once, by the instance the client is connected to, and the revert reaches the other', async () => {
    const otherLogger = quietLogger()
    const other = await startServer(env, { logger: otherLogger, antiEntropyMs: 300 })
    const { boardId, a, b } = await boardWithVariation('approved', [port, other.port])
    const approved = structuredClone(variationIn(a))

    getRecords(a.doc).delete(VARIATION)
    await waitFor(() => variationIn(a) !== undefined && converged(a, b))
    getRecords(b.doc).delete(VARIATION)
    await waitFor(() => variationIn(b) !== undefined && converged(a, b))
    // Markers both ways: anything either instance sent back is in both copies by now.
    await sendMarker(a, b)
    await sendMarker(b, a)

    expect(variationIn(a)).toEqual(approved)
    expect(variationIn(b)).toEqual(approved)
    expect(revertsLogged(logger.lines, boardId)).toHaveLength(1)
    expect(revertsLogged(otherLogger.lines, boardId)).toHaveLength(1)
  })
})
