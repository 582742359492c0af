import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeTestEnv, createBoardWithMembers, openTestEnv, startServer, storedRecords, waitFor, type TestEnv } from './helpers'
import { canonical, EditingClient, randomStep, seededRandom } from './random-edits'

// `npm run soak` raises these; the suite runs a fixed, small set.
const SEEDS = process.env.CONVERGENCE_SEED_COUNT
  ? Array.from({ length: Number(process.env.CONVERGENCE_SEED_COUNT) }, (_, i) => 1000 + i)
  : (process.env.CONVERGENCE_SEEDS ?? '1,2,3').split(',').map(Number)
const STEPS = Number(process.env.CONVERGENCE_STEPS ?? 400)
const CLIENTS = Number(process.env.CONVERGENCE_CLIENTS ?? 10)

let env: TestEnv
let ports: number[]

beforeAll(async () => {
  env = await openTestEnv()
  // Two instances of the server sharing Postgres and NATS, as behind a load balancer.
  const servers = await Promise.all([startServer(env, { antiEntropyMs: 500 }), startServer(env, { antiEntropyMs: 500 })])
  ports = servers.map((s) => s.port)
})
afterAll(() => closeTestEnv(env))

describe('convergence across two instances', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${CLIENTS} clients, ${STEPS} random edits, disconnects and reconnects end with identical records everywhere`, { timeout: Math.max(120_000, STEPS * 150) }, async () => {
      const rand = seededRandom(seed)
      const { boardId, owner, members } = await createBoardWithMembers(env, Array.from({ length: CLIENTS - 1 }, () => 'editor' as const))
      const tokens = [owner.token, ...members.map((m) => m.token)]
      const clients = tokens.map((token, i) => new EditingClient(ports, i % ports.length, boardId, token))
      try {
        await waitFor(() => clients.every((c) => c.provider.synced))
        for (let step = 0; step < STEPS; step++) {
          randomStep(rand, clients, step, ports.length)
          // Let the network interleave: sometimes a pause, often none.
          if (rand() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(rand() * 15)))
        }
        for (const c of clients) if (!c.online) c.reconnect()
        await waitFor(() => clients.every((c) => c.provider.synced && c.provider.wsconnected), { timeoutMs: 30_000 })
        await waitFor(() => new Set(clients.map((c) => c.snapshot())).size === 1, { timeoutMs: 30_000 })
        const final = clients[0]!.snapshot()
        expect(Object.keys(JSON.parse(final)).length).toBeGreaterThan(0)
        // A fresh load from Postgres (snapshot + log) holds the same records.
        await waitFor(async () => canonical(await storedRecords(env.db, boardId)) === final, { timeoutMs: 30_000 })
      } finally {
        for (const c of clients) c.destroy()
      }
    })
  }
})
