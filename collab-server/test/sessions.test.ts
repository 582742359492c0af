import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { subjects } from '@montage/core'
import { revokeAuthSession } from '@montage/db'
import { closeTestEnv, connectAndAwaitClose, createBoardWithMembers, openTestEnv, startServer, type TestEnv } from './helpers'

let env: TestEnv
let ports: number[]

beforeAll(async () => {
  env = await openTestEnv()
  // Two instances sharing PostgreSQL and NATS, as behind a load balancer.
  ports = [(await startServer(env)).port, (await startServer(env)).port]
})
afterAll(() => closeTestEnv(env))

/** An open, synced socket, and a promise of how it ends. */
async function openSocket(port: number, boardId: string, token: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/boards/${boardId}?token=${encodeURIComponent(token)}`)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  // The server speaks first (sync step 1) once the socket is admitted.
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve())
    ws.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)))
  })
  return { ws, closed }
}

describe('sessions on the board socket', () => {
  it("closes a signed-out session's open sockets on every instance with 4401, and refuses its token from then on", async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const [editor] = members
    const onFirst = await openSocket(ports[0]!, boardId, owner.token)
    const onSecond = await openSocket(ports[1]!, boardId, owner.token)
    const bystander = await openSocket(ports[1]!, boardId, editor!.token)

    // What web does on sign-out: the row first, then the message to every instance.
    await revokeAuthSession(env.db, { sessionId: owner.sessionId, userId: owner.id })
    env.nats.publish(subjects.sessionRevoked, JSON.stringify({ sessionId: owner.sessionId }))

    expect(await onFirst.closed).toEqual({ code: 4401, reason: expect.stringMatching(/signed out/) })
    expect(await onSecond.closed).toEqual({ code: 4401, reason: expect.stringMatching(/signed out/) })
    const again = await connectAndAwaitClose(`ws://127.0.0.1:${ports[0]}/boards/${boardId}?token=${encodeURIComponent(owner.token)}`)
    expect(again).toEqual({ code: 4401, reason: expect.stringMatching(/signed out/) })
    // Another person's socket on the same board stays open.
    expect(bystander.ws.readyState).toBe(WebSocket.OPEN)
    bystander.ws.close()
  })

  it('closes a revoked session whose message was lost, at the next check against PostgreSQL', async () => {
    const { port } = await startServer(env, { sessionSweepMs: 200 })
    const { boardId, owner } = await createBoardWithMembers(env)
    const open = await openSocket(port, boardId, owner.token)
    // Revoked in the database only: no NATS message reaches the server.
    await revokeAuthSession(env.db, { sessionId: owner.sessionId, userId: owner.id })
    expect((await open.closed).code).toBe(4401)
  })

  it('ignores a revoke message that is not one', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const open = await openSocket(ports[0]!, boardId, owner.token)
    env.nats.publish(subjects.sessionRevoked, 'not json')
    env.nats.publish(subjects.sessionRevoked, JSON.stringify({ sessionId: 'nope' }))
    // A real message after them still closes the socket: the server neither crashed nor stopped listening.
    await revokeAuthSession(env.db, { sessionId: owner.sessionId, userId: owner.id })
    env.nats.publish(subjects.sessionRevoked, JSON.stringify({ sessionId: owner.sessionId }))
    expect((await open.closed).code).toBe(4401)
  })
})
