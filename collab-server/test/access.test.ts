import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signLocalToken } from '@montage/auth'
import { getRecords } from '@montage/board'
import { closeTestEnv, connectAndAwaitClose, createBoardWithMembers, createUser, cursorOf, openProvider, openTestEnv, readRecords, setCursor, shapeRecord, startServer, storedRecords, type TestEnv, waitFor } from './helpers'

let env: TestEnv
let port: number
let close: () => Promise<void>

beforeAll(async () => {
  env = await openTestEnv()
  const started = await startServer(env)
  port = started.port
  close = () => started.server.close()
})
afterAll(() => closeTestEnv(env))

describe('auth on upgrade', () => {
  it('closes a non-member with 4403, a missing or bad token or unknown user with 4401, an unknown board with 4404', async () => {
    const { boardId } = await createBoardWithMembers(env)
    const outsider = await createUser(env, 'Outsider')
    const url = (board: string, token?: string) => `ws://127.0.0.1:${port}/boards/${board}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`
    const ghostToken = await signLocalToken({ privateKeyPem: env.keys.privateKeyPem, subject: `local:ghost-${randomUUID()}`, name: 'Ghost', sessionId: randomUUID() })

    const [nonMember, noToken, badToken, ghost, unknownBoard, notUuid] = await Promise.all([
      connectAndAwaitClose(url(boardId, outsider.token)),
      connectAndAwaitClose(url(boardId)),
      connectAndAwaitClose(url(boardId, 'not-a-jwt')),
      connectAndAwaitClose(url(boardId, ghostToken)),
      connectAndAwaitClose(url(randomUUID(), outsider.token)),
      connectAndAwaitClose(url('nope', outsider.token)),
    ])
    expect(nonMember.code).toBe(4403)
    expect(nonMember.reason).toMatch(/not a member/)
    expect(noToken.code).toBe(4401)
    expect(noToken.reason).toMatch(/no session token/)
    expect(badToken.code).toBe(4401)
    expect(ghost.code).toBe(4401)
    expect(unknownBoard.code).toBe(4404)
    expect(notUuid.code).toBe(4404)
  })
})

describe('reviewers', () => {
  it("receives the document and presence, but the server drops the reviewer's updates", async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['reviewer'])
    const editor = await openProvider(env, port, boardId, owner.token)
    getRecords(editor.doc).set('shape:by-owner', shapeRecord('shape:by-owner'))

    const reviewer = await openProvider(env, port, boardId, members[0]!.token)
    await waitFor(() => readRecords(reviewer.doc)['shape:by-owner'] !== undefined)

    getRecords(reviewer.doc).set('shape:by-reviewer', shapeRecord('shape:by-reviewer'))
    // Frames of one socket are handled in order: once this presence reaches the owner, the
    // reviewer's update before it has been handled (and dropped) too.
    setCursor(reviewer, 42, 42)
    await waitFor(() => cursorOf(editor.provider, reviewer.doc.clientID)?.x === 42)
    expect(readRecords(editor.doc)).not.toHaveProperty('shape:by-reviewer')

    await close()
    const stored = await storedRecords(env.db, boardId)
    expect(stored).toHaveProperty('shape:by-owner')
    expect(stored).not.toHaveProperty('shape:by-reviewer')
  })
})
