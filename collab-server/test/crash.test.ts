import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { streams } from '@montage/core'
import { loadBoardUpdates } from '@montage/db'
import { closeTestEnv, createBoardWithMembers, openTestEnv, shapeRecord, startServer, storedRecords, waitFor, type TestEnv } from './helpers'
import { canonical, EditingClient, seededRandom } from './random-edits'
import { freePort } from '@montage/infra'
import { ServerProcess } from './server-process'
import { jetstreamManager } from '@nats-io/jetstream'

let env: TestEnv
let proc: ServerProcess

beforeAll(async () => {
  env = await openTestEnv()
  proc = new ServerProcess(env, await freePort())
})
afterAll(async () => {
  await proc.kill('SIGKILL')
  const jsm = await jetstreamManager(env.nats)
  await jsm.consumers.delete(streams.boardCommands.name, `${env.consumerName}-proc`).catch(() => {})
  await closeTestEnv(env)
})

/** Every change `inner` holds is also in `outer` (state vectors: per writer, how far we have it). */
function contains(outer: Uint8Array, inner: Uint8Array): boolean {
  const o = Y.decodeStateVector(outer)
  for (const [client, clock] of Y.decodeStateVector(inner)) if ((o.get(client) ?? 0) < clock) return false
  return true
}

async function storedDoc(boardId: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  for (const u of await loadBoardUpdates(env.db, boardId)) Y.applyUpdate(doc, u)
  return doc
}

function edit(rand: () => number, c: EditingClient, step: number): void {
  const ids = [...c.records.map.keys()].filter((id) => id.startsWith('shape:'))
  const roll = rand()
  if (roll < 0.5 || ids.length === 0) {
    const id = `shape:c${step}-${Math.floor(rand() * 1e6)}`
    c.records.set(id, shapeRecord(id, { x: step }))
  } else if (roll < 0.85) {
    const id = ids[Math.floor(rand() * ids.length)]!
    c.records.set(id, { ...c.records.get(id)!, x: step } as never)
  } else {
    c.records.delete(ids[Math.floor(rand() * ids.length)]!)
  }
}

describe('kill -9', () => {
  it('loses nothing: what was stored survives, and what clients held comes back on reconnect', { timeout: 120_000 }, async () => {
    const rand = seededRandom(42)
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor', 'editor', 'editor', 'editor'])
    const tokens = [owner.token, ...members.map((m) => m.token)]
    await proc.start()
    // A second instance in this process: some clients edit through it, and it relays to the one we kill.
    const peer = await startServer(env, { antiEntropyMs: 500 })
    const ports = [proc.port, peer.port]
    // Four clients on the process we kill, two on the survivor.
    const clients = tokens.map((t, i) => new EditingClient(ports, i < 4 ? 0 : 1, boardId, t))
    try {
      await waitFor(() => clients.every((c) => c.provider.synced))
      let step = 0
      const editFor = async (ms: number) => {
        const until = Date.now() + ms
        while (Date.now() < until) {
          edit(rand, clients[Math.floor(rand() * clients.length)]!, step++)
          await new Promise((r) => setTimeout(r, 2))
        }
      }
      await editFor(1_500)

      const storedBeforeKill = Y.encodeStateVector(await storedDoc(boardId))
      await proc.kill('SIGKILL')
      // What each client held at the moment of the crash, acknowledged or not.
      const heldAtKill = clients.map((c) => Y.encodeStateVector(c.doc))
      expect(step).toBeGreaterThan(50)

      // Clients of the dead instance keep editing offline while it is down.
      await editFor(500)
      await proc.start()
      await waitFor(() => clients.every((c) => c.provider.wsconnected && c.provider.synced), { timeoutMs: 30_000 })
      await editFor(300)

      await waitFor(() => new Set(clients.map((c) => c.snapshot())).size === 1, { timeoutMs: 30_000 })
      const final = clients[0]!.snapshot()
      await waitFor(async () => canonical(await storedRecords(env.db, boardId)) === final, { timeoutMs: 30_000 })
      const storedAfter = Y.encodeStateVector(await storedDoc(boardId))
      expect(contains(storedAfter, storedBeforeKill)).toBe(true)
      for (const held of heldAtKill) expect(contains(storedAfter, held)).toBe(true)
    } finally {
      for (const c of clients) c.destroy()
      await proc.kill('SIGTERM')
    }
  })

  it('SIGTERM stores pending edits before the process exits', { timeout: 60_000 }, async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    await proc.start()
    const client = new EditingClient([proc.port], 0, boardId, owner.token)
    try {
      await waitFor(() => client.provider.synced)
      client.records.set('shape:at-shutdown', shapeRecord('shape:at-shutdown'))
      // Well inside the server's 0.4 s debounce: only the shutdown flush can store it in time.
      await new Promise((r) => setTimeout(r, 50))
      await proc.kill('SIGTERM')
      expect(proc.child!.exitCode).toBe(0)
      expect(await storedRecords(env.db, boardId)).toHaveProperty('shape:at-shutdown')
    } finally {
      client.destroy()
    }
  })
})
