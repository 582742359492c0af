import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subjects } from '@montage/core'
import { listBoardCheckpoints } from '@montage/db'
import * as Y from 'yjs'
import { getRecords, getTexts, sharedTextKey, type TBoardHistoryCommand } from '@montage/board'
import { shotShape } from '@montage/board/testing'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, readRecords, shapeRecord, startServer, storedRecords, type TestEnv, waitFor } from './helpers'
import { jetstream } from '@nats-io/jetstream'

let env: TestEnv
let port: number

beforeAll(async () => {
  env = await openTestEnv()
  port = (await startServer(env)).port
})
afterAll(() => closeTestEnv(env))

async function publish(command: TBoardHistoryCommand): Promise<void> {
  await jetstream(env.nats).publish(subjects.boardCommand(command.boardId), JSON.stringify(command), { msgID: command.id })
}

describe('named checkpoints', () => {
  it('creates, lists and restores a checkpoint as a new edit, and the restore can itself be undone', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const a = await openProvider(env, port, boardId, owner.token)
    const kv = getRecords(a.doc)
    kv.set('shape:keep', shapeRecord('shape:keep', { x: 1 }))
    kv.set('shape:later-deleted', shapeRecord('shape:later-deleted'))
    await waitFor(async () => Object.keys(await storedRecords(env.db, boardId)).length === 2)

    const checkpointId = randomUUID()
    const create: TBoardHistoryCommand = { id: randomUUID(), type: 'checkpoint.create', boardId, checkpointId, name: 'Client review v1' }
    await publish(create)
    await publish({ ...create, id: randomUUID() }) // a retry with the same checkpoint id
    await waitFor(async () => (await listBoardCheckpoints(env.db, boardId)).length === 1)

    kv.set('shape:keep', shapeRecord('shape:keep', { x: 999 }))
    kv.delete('shape:later-deleted')
    kv.set('shape:added-after', shapeRecord('shape:added-after'))
    const edited = readRecords(a.doc)

    await publish({ id: randomUUID(), type: 'checkpoint.restore', boardId, checkpointId })
    await waitFor(() => readRecords(a.doc)['shape:later-deleted'] !== undefined && readRecords(a.doc)['shape:added-after'] === undefined)
    expect(readRecords(a.doc)['shape:keep']).toMatchObject({ x: 1 })
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:added-after'] === undefined)

    const list = await listBoardCheckpoints(env.db, boardId)
    expect(list.map((c) => c.name).sort()).toEqual(['Before restoring “Client review v1”', 'Client review v1'])
    const before = list.find((c) => c.name.startsWith('Before'))!
    await publish({ id: randomUUID(), type: 'checkpoint.restore', boardId, checkpointId: before.id })
    await waitFor(() => (readRecords(a.doc)['shape:keep'] as unknown as { x: number }).x === 999)
    expect(Object.keys(readRecords(a.doc)).sort()).toEqual(Object.keys(edited).sort())
  })

  // Bug: a restore wrote the shot's prompt back but left its shared text as typed since, so the field
  // still showed the newer words and the next keystroke wrote them back into the prompt.
  it('restores a shot\'s prompt and title into their shared texts, not only into the record', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const a = await openProvider(env, port, boardId, owner.token)
    const kv = getRecords(a.doc)
    const SHOT = 'shape:shot-restore'
    const shot = shotShape(SHOT, { props: { title: 'Harbour', prompt: 'a lighthouse at dusk' } })
    a.doc.transact(() => {
      kv.set(SHOT, shot)
      getTexts(a.doc).set(sharedTextKey(SHOT, 'prompt'), new Y.Text('a lighthouse at dusk'))
      getTexts(a.doc).set(sharedTextKey(SHOT, 'title'), new Y.Text('Harbour'))
    })
    await waitFor(async () => (await storedRecords(env.db, boardId))[SHOT] !== undefined)
    const checkpointId = randomUUID()
    await publish({ id: randomUUID(), type: 'checkpoint.create', boardId, checkpointId, name: 'Before the rewrite' })
    await waitFor(async () => (await listBoardCheckpoints(env.db, boardId)).length === 1)

    // Typed since, as the canvas does it: the text, and the prop kept equal to it.
    const prompt = getTexts(a.doc).get(sharedTextKey(SHOT, 'prompt'))!
    a.doc.transact(() => {
      prompt.delete(0, prompt.length)
      prompt.insert(0, 'neon alley in the rain')
      kv.set(SHOT, { ...shot, props: { ...(shot as { props: object }).props, prompt: 'neon alley in the rain' } } as typeof shot)
    })

    await publish({ id: randomUUID(), type: 'checkpoint.restore', boardId, checkpointId })
    await waitFor(() => (readRecords(a.doc)[SHOT] as unknown as { props: { prompt: string } }).props.prompt === 'a lighthouse at dusk')
    await waitFor(() => prompt.toString() === 'a lighthouse at dusk')
    expect(getTexts(a.doc).get(sharedTextKey(SHOT, 'title'))!.toString()).toBe('Harbour')
  })
})
