import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { subjects } from '@montage/core'
import { changeMemberRole, getBoard, removeMember } from '@montage/db'
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
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve())
    ws.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)))
  })
  return { ws, closed }
}

async function workspaceOf(boardId: string): Promise<string> {
  return (await getBoard(env.db, boardId))!.workspaceId
}

/** Whether a socket is still open a moment after everything published so far was delivered. */
async function stillOpenAfterDelivery(ws: WebSocket): Promise<boolean> {
  await env.nats.flush()
  await new Promise((r) => setTimeout(r, 200))
  return ws.readyState === WebSocket.OPEN
}

describe('members on the board socket', () => {
  it("closes a removed member's open sockets on every instance with 4403, and refuses them from then on", async () => {
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const [removed, stays] = members
    const workspaceId = await workspaceOf(boardId)
    const onFirst = await openSocket(ports[0]!, boardId, removed!.token)
    const onSecond = await openSocket(ports[1]!, boardId, removed!.token)
    const bystander = await openSocket(ports[1]!, boardId, stays!.token)
    const ownerSocket = await openSocket(ports[0]!, boardId, owner.token)

    // What web does when an owner removes someone: the row first, then the message to every instance.
    await removeMember(env.db, { workspaceId, userId: removed!.id })
    env.nats.publish(subjects.membershipChanged, JSON.stringify({ workspaceId, userId: removed!.id, role: null }))

    expect(await onFirst.closed).toEqual({ code: 4403, reason: expect.stringMatching(/removed from this workspace/) })
    expect(await onSecond.closed).toEqual({ code: 4403, reason: expect.stringMatching(/removed from this workspace/) })
    // Their session is still good, but the board no longer lets them in.
    const again = await connectAndAwaitClose(`ws://127.0.0.1:${ports[0]}/boards/${boardId}?token=${encodeURIComponent(removed!.token)}`)
    expect(again.code).toBe(4403)
    expect(await stillOpenAfterDelivery(bystander.ws)).toBe(true)
    expect(ownerSocket.ws.readyState).toBe(WebSocket.OPEN)
    bystander.ws.close()
    ownerSocket.ws.close()
  })

  it('closes a member whose role lost the right to edit (4409), and leaves one whose edit right did not change open', async () => {
    const { boardId, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const [demoted, promoted] = members
    const workspaceId = await workspaceOf(boardId)
    const demotedSocket = await openSocket(ports[0]!, boardId, demoted!.token)
    const promotedSocket = await openSocket(ports[1]!, boardId, promoted!.token)

    await changeMemberRole(env.db, { workspaceId, userId: demoted!.id, role: 'reviewer' })
    env.nats.publish(subjects.membershipChanged, JSON.stringify({ workspaceId, userId: demoted!.id, role: 'reviewer' }))
    await changeMemberRole(env.db, { workspaceId, userId: promoted!.id, role: 'producer' })
    env.nats.publish(subjects.membershipChanged, JSON.stringify({ workspaceId, userId: promoted!.id, role: 'producer' }))

    expect(await demotedSocket.closed).toEqual({ code: 4409, reason: expect.stringMatching(/role changed to reviewer/) })
    // Editor to producer: still may edit, so the live session goes on.
    expect(await stillOpenAfterDelivery(promotedSocket.ws)).toBe(true)
    // Reconnecting under the new role works (read-only now).
    const back = await openSocket(ports[0]!, boardId, demoted!.token)
    back.ws.close()
    promotedSocket.ws.close()
  })

  it('closes a removed member whose message was lost, at the next check against PostgreSQL', async () => {
    const { port } = await startServer(env, { memberSweepMs: 200 })
    const { boardId, members } = await createBoardWithMembers(env, ['reviewer'])
    const workspaceId = await workspaceOf(boardId)
    const open = await openSocket(port, boardId, members[0]!.token)
    // Removed in the database only: no NATS message reaches the server.
    await removeMember(env.db, { workspaceId, userId: members[0]!.id })
    expect((await open.closed).code).toBe(4403)
  })

  it('ignores a membership message that is not one, and closes nobody else', async () => {
    const { boardId, members } = await createBoardWithMembers(env, ['editor'])
    const workspaceId = await workspaceOf(boardId)
    const open = await openSocket(ports[0]!, boardId, members[0]!.token)
    env.nats.publish(subjects.membershipChanged, 'not json')
    env.nats.publish(subjects.membershipChanged, JSON.stringify({ workspaceId, userId: 'nope', role: null }))
    env.nats.publish(subjects.membershipChanged, JSON.stringify({ workspaceId: '00000000-0000-4000-8000-000000000000', userId: members[0]!.id, role: null }))
    expect(await stillOpenAfterDelivery(open.ws)).toBe(true)
    // A real message after them still closes the socket: the server neither crashed nor stopped listening.
    await removeMember(env.db, { workspaceId, userId: members[0]!.id })
    env.nats.publish(subjects.membershipChanged, JSON.stringify({ workspaceId, userId: members[0]!.id, role: null }))
    expect((await open.closed).code).toBe(4403)
  })
})
