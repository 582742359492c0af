import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { presenceState } from '@montage/board/testing'
import { appendBoardUpdate, loadBoardUpdates } from '@montage/db'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, quietLogger, readRecords, startServer, storedRecords, waitFor, type TestEnv } from './helpers'
import { openRaw, presence, presenceIn, step1 } from './raw-client'
import { validShot } from './valid-records'

let env: TestEnv
beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a board opened by several people at once, nothing of it in memory', () => {
  it('sends each newcomer the stored board as read, shows presence before the board is built, and then takes edits', async () => {
    const { port, server } = await startServer(env, { logger: quietLogger() })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor', 'editor', 'editor'])
    // 2,000 shots stored on top of the new board's own update, never opened by this server.
    const doc = new Y.Doc()
    for (const u of await loadBoardUpdates(env.db, boardId)) Y.applyUpdate(doc, u)
    const before = Y.encodeStateVector(doc)
    doc.transact(() => {
      for (let i = 0; i < 2_000; i++) getRecords(doc).set(`shape:s${i}`, validShot(`shape:s${i}`, i))
    })
    await appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(doc, before) })
    const stored = Y.mergeUpdates(await loadBoardUpdates(env.db, boardId))

    const encodesBefore = server.stats().stateEncodes
    const coldBefore = server.stats().coldAnswers
    const crowd = await Promise.all(members.map((m) => openRaw(port, boardId, m.token)))
    // One says where its cursor is first (as a browser does), then everyone asks for the board, a moment apart.
    crowd[0]!.ws.send(presence(4242, 1, presenceState(4242, { x: 10, y: 20 })))
    for (const c of crowd) {
      c.ws.send(step1(new Uint8Array([0])))
      await sleep(15)
    }
    await waitFor(() => crowd.every((c) => c.answers.length >= 1))
    // Every newcomer got the board exactly as stored, before the server built it (which would hold
    // everyone up for a large board), and answering them encoded nothing.
    expect(server.stats().coldAnswers - coldBefore).toBe(crowd.length)
    for (const c of crowd) expect(Buffer.from(c.answers[0]!).equals(Buffer.from(stored))).toBe(true)
    expect(server.stats().stateEncodes - encodesBefore).toBe(0)
    // The cursor reached the others, under the account's name, not the one the client made up.
    await waitFor(() => crowd.slice(1).every((c) => c.received.some((f) => presenceIn(f).has(4242))))
    const shown = JSON.parse([...crowd[1]!.received].map(presenceIn).find((p) => p.has(4242))!.get(4242)!) as { user: { id: string } }
    expect(shown.user.id).toBe(members[0]!.id)

    // The board is built and takes an edit like any other: the crowd receives it, and it is stored.
    const a = await openProvider(env, port, boardId, owner.token)
    expect(Object.keys(readRecords(a.doc)).filter((k) => k.startsWith('shape:s'))).toHaveLength(2_000)
    getRecords(a.doc).set('shape:late', validShot('shape:late', 1, 'after the crowd'))
    await waitFor(() => crowd.every((c) => c.received.some((f) => Buffer.from(f).includes('after the crowd'))))
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:late'] !== undefined)
    for (const c of crowd) c.ws.close()
  })
})
