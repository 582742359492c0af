import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { getRecords } from '@montage/board'
import { closeTestEnv, createBoardWithMembers, cursorOf, openProvider, openTestEnv, readRecords, setCursor, shapeRecord, startServer, storedRecords, type TestEnv, waitFor } from './helpers'

let env: TestEnv
let port: number
let loadedBoards: () => string[]

beforeAll(async () => {
  env = await openTestEnv()
  const started = await startServer(env)
  port = started.port
  loadedBoards = () => started.server.loadedBoards()
})
afterAll(() => closeTestEnv(env))

describe('sync between members', () => {
  it("relays an edit from one member to another, stores it, and unloads the room after the last leaves", async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const a = await openProvider(env, port, boardId, owner.token)
    const b = await openProvider(env, port, boardId, members[0]!.token)

    getRecords(a.doc).set('shape:one', shapeRecord('shape:one', { x: 10 }))
    await waitFor(() => readRecords(b.doc)['shape:one'] !== undefined)
    expect(readRecords(b.doc)['shape:one']).toMatchObject({ id: 'shape:one', x: 10 })

    // Awareness travels too: B sees A's cursor.
    setCursor(a, 1, 2)
    await waitFor(() => cursorOf(b.provider, a.doc.clientID) !== undefined)

    a.provider.destroy()
    // A leaving removes its presence for the others.
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID))
    b.provider.destroy()
    await waitFor(() => !loadedBoards().includes(boardId))
    expect(await storedRecords(env.db, boardId)).toHaveProperty('shape:one')
  })
})

describe('malformed frames', () => {
  it('closes only the offending connection with 4400 and leaves the document unchanged', async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const a = await openProvider(env, port, boardId, owner.token)
    const b = await openProvider(env, port, boardId, members[0]!.token)

    const bad = new WebSocket(`ws://127.0.0.1:${port}/boards/${boardId}?token=${members[1]!.token}`)
    await new Promise((resolve, reject) => bad.once('open', resolve).once('error', reject))
    const closed = new Promise<{ code: number; reason: string }>((resolve) => bad.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    // A sync update whose length prefix promises 200 bytes that never come.
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarUint(encoder, 2)
    encoding.writeVarUint(encoder, 200)
    encoding.writeUint8Array(encoder, new Uint8Array([1, 2, 3]))
    bad.send(encoding.toUint8Array(encoder))
    const { code, reason } = await closed
    expect(code).toBe(4400)
    expect(reason).toMatch(/Malformed/)

    getRecords(a.doc).set('shape:after', shapeRecord('shape:after'))
    await waitFor(() => readRecords(b.doc)['shape:after'] !== undefined)
    expect(Object.keys(readRecords(b.doc))).toEqual(['shape:after'])
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
  })

  it('refuses a text frame the same way', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const ws = new WebSocket(`ws://127.0.0.1:${port}/boards/${boardId}?token=${owner.token}`)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    ws.send('hello')
    expect(await closed).toBe(4400)
  })
})
