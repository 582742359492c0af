/**
 * The trust load (issue 12): honest editors on many boards, measured alone and then beside
 * misbehaving clients (never read, flood sync step 1, oversize presence, held-update pile-up),
 * against our server in its own process with its default limits. The clients run in several
 * forked processes (`trust-clients.ts`) so they are not one event loop competing with itself;
 * each reports how many of the edits it intended it managed to send. `npm run soak` asserts on
 * it, `npm run bench -- trust` records it.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { connect } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'
import { streams } from '@montage/core'
import { addMember, appendBoardUpdate, createBoard, createWorkspace, upsertUser } from '@montage/db'
import { openTestDb, TEST_DATABASE_URL } from '@montage/db/testing'
import { ensureLocalKeys, issueLocalSession } from '@montage/auth'
import { getRecords } from '@montage/board'
import { seedBoard } from '@montage/board/testing'
import type { TCollabStats } from '../src'
import { validShot } from '../test/valid-records'
import { startServeProcess, stopChild } from './serve-process'
import type { TChildMessage, TClientsConfig, TLoadClient, TMisbehaviour, TParentMessage } from './trust-clients'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const MISBEHAVIOURS: TMisbehaviour[] = ['never-read', 'sync-flood', 'oversize-presence', 'held-pile-up']

export interface TTrustLoadOptions {
  /** Boards, each with `honestPerBoard` editors and (in the attack phase) one misbehaving client: 20 × (9 + 1) = 200. */
  boards?: number
  honestPerBoard?: number
  /** Other shots on each board, so a board is worth encoding (about 300 KB with the default). */
  fillerShots?: number
  durationMs?: number
  /** Editing before the measured window, so connection set-up is not what is measured (default 3 s). */
  warmupMs?: number
  editIntervalMs?: number
  /** Load-generator processes for the honest editors (default: the machine's cores, 2 to 8); the misbehaving clients get one more. */
  processes?: number
  /**
   * Alone and with the misbehaving clients alternate this many times (default 2), and each keeps
   * its round with the lower p99: on a shared machine, someone else's burst in one round does not
   * decide the comparison.
   */
  rounds?: number
}

export interface TTrustPhase {
  connections: number
  latencyP50Ms: number
  latencyP99Ms: number
  deliveries: number
  intendedEdits: number
  sentEdits: number
  /** Largest resident size of the server process, sampled every 250 ms while the clients edit. */
  peakRssBytes: number
  /** CPU time the server process used per second of the phase (1 = one core busy). */
  serverCpuShare: number
  /** The same for the honest editors' processes together, and for the misbehaving clients' process. */
  honestClientsCpuShare: number
  misbehavingClientsCpuShare: number
  /** Event-loop delay p99 (ms) of the server, and the worst of the honest editors' processes. */
  serverLoopDelayP99Ms: number
  honestClientsLoopDelayP99Ms: number
  /** What the server's limits did during the phase. */
  stats: TCollabStats
  misbehaverConnections: number
  /** How the server closed misbehaving clients, by close code. */
  misbehaverCloses: Record<string, number>
}

export interface TTrustLoadResult {
  processes: number
  durationMs: number
  /** One board's whole state, encoded (what a full sync answer sends). */
  boardBytes: number
  baseline: TTrustPhase
  underAttack: TTrustPhase
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function getJson<T>(statsPort: number, what: string): Promise<T> {
  return (await (await fetch(`http://127.0.0.1:${statsPort}/${what}`)).json()) as T
}

export async function runTrustLoad(opts: TTrustLoadOptions = {}): Promise<TTrustLoadResult> {
  const boards = opts.boards ?? 20
  const honestPerBoard = opts.honestPerBoard ?? 9
  const fillerShots = opts.fillerShots ?? 300
  const durationMs = opts.durationMs ?? 20_000
  const warmupMs = opts.warmupMs ?? 3_000
  const editIntervalMs = opts.editIntervalMs ?? 1_000
  const processes = opts.processes ?? Math.max(2, Math.min(8, availableParallelism()))

  const db = await openTestDb()
  const nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  const dataDir = await mkdtemp(path.join(tmpdir(), 'montage-trust-'))
  const consumerName = `collab-trust-${randomUUID().slice(0, 8)}`
  try {
    const keys = await ensureLocalKeys(dataDir)
    const owner = await upsertUser(db, { authSubject: `local:trust-${randomUUID()}`, name: 'Owner' })
    const ws = await createWorkspace(db, { name: `trust ${randomUUID().slice(0, 8)}`, ownerId: owner.id })
    let boardBytes = 0
    const honest: TLoadClient[] = []
    const misbehaving: TLoadClient[] = []
    for (let b = 0; b < boards; b++) {
      const board = await createBoard(db, { workspaceId: ws.id, name: `trust ${b}`, createdBy: owner.id })
      const doc = new Y.Doc()
      // What the first browser writes to a new board: the document, its page, the schema.
      seedBoard(doc)
      const kv = getRecords(doc)
      doc.transact(() => {
        for (let i = 0; i < fillerShots; i++) kv.set(`shape:f${i}`, validShot(`shape:f${i}`, 100 + i, `Filler shot ${i}: the lighthouse at dusk, a slow push in over the rocks. `.repeat(6)))
        for (let i = 0; i < honestPerBoard; i++) kv.set(`shape:c${i}`, validShot(`shape:c${i}`, i))
      })
      const state = Y.encodeStateAsUpdate(doc)
      boardBytes = state.byteLength
      await appendBoardUpdate(db, { boardId: board.id, update: state })
      for (let i = 0; i <= honestPerBoard; i++) {
        const subject = `local:trust-${randomUUID()}`
        const user = await upsertUser(db, { authSubject: subject, name: `Person ${b}.${i}` })
        await addMember(db, { workspaceId: ws.id, userId: user.id, role: 'editor' })
        const { token } = await issueLocalSession({ db, privateKeyPem: keys.privateKeyPem, user, kind: 'password', ttlSeconds: 12 * 3600 })
        if (i < honestPerBoard) honest.push({ boardId: board.id, token, kind: 'honest', shotId: `shape:c${i}`, shotIndex: i })
        else misbehaving.push({ boardId: board.id, token, kind: MISBEHAVIOURS[b % MISBEHAVIOURS.length]! })
      }
    }

    // A fresh server process per phase: its memory and CPU figures are that phase's alone.
    const runPhase = async (clients: TLoadClient[]) => {
      const server = await startServeProcess('ours', { DATABASE_URL: TEST_DATABASE_URL, DATA_DIR: dataDir, COLLAB_CONSUMER_NAME: consumerName })
      try {
        return await phase({ url: `ws://127.0.0.1:${server.port}`, clients, editIntervalMs, durationMs, warmupMs, processes, statsPort: server.statsPort, server: server.child })
      } finally {
        await stopChild(server.child)
      }
    }
    let baseline: TTrustPhase | null = null
    let underAttack: TTrustPhase | null = null
    const better = (a: TTrustPhase | null, b: TTrustPhase) => (a && a.latencyP99Ms <= b.latencyP99Ms ? a : b)
    for (let round = 0; round < (opts.rounds ?? 2); round++) {
      baseline = better(baseline, await runPhase(honest))
      underAttack = better(underAttack, await runPhase([...honest, ...misbehaving]))
    }
    if (!baseline || !underAttack) throw new Error('the trust load needs at least one round')
    return { processes, durationMs, boardBytes, baseline, underAttack }
  } finally {
    const jsm = await jetstreamManager(nats)
    await jsm.consumers.delete(streams.boardCommands.name, consumerName).catch(() => {})
    await nats.close()
    await db.end({ timeout: 5 })
    await rm(dataDir, { recursive: true, force: true })
  }
}

interface TPhaseOptions {
  url: string
  clients: TLoadClient[]
  editIntervalMs: number
  durationMs: number
  warmupMs: number
  processes: number
  statsPort: number
  server: ChildProcess
}

async function phase(opts: TPhaseOptions): Promise<TTrustPhase> {
  const children: ChildProcess[] = []
  try {
    // Honest editors spread over the processes; the misbehaving clients in one of their own, so
    // the work of misbehaving (masking megabytes of frames) does not delay honest receivers.
    const honest = opts.clients.filter((c) => c.kind === 'honest')
    const misbehaving = opts.clients.filter((c) => c.kind !== 'honest')
    const shares: TLoadClient[][] = Array.from({ length: opts.processes }, () => [])
    honest.forEach((c, i) => shares[i % opts.processes]!.push(c))
    if (misbehaving.length > 0) shares.push(misbehaving)
    const results: Extract<TChildMessage, { type: 'result' }>[] = []
    const ready: Promise<void>[] = []
    const done: Promise<void>[] = []
    for (const share of shares) {
      const child = fork(path.join(HERE, 'trust-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      children.push(child)
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`a load-generator process exited (${code}) before reporting`))))
      exited.catch(() => {})
      ready.push(Promise.race([new Promise<void>((resolve) => child.on('message', (m: TChildMessage) => m.type === 'ready' && resolve())), exited]))
      done.push(Promise.race([new Promise<void>((resolve) => child.on('message', (m: TChildMessage) => m.type === 'result' && (results.push(m), resolve()))), exited]))
      child.send({ type: 'start', config: { url: opts.url, clients: share, editIntervalMs: opts.editIntervalMs } satisfies TClientsConfig } satisfies TParentMessage)
    }
    await Promise.all(ready)

    const statsBefore = await getJson<TCollabStats>(opts.statsPort, 'stats')
    const cpuBefore = await getJson<{ user: number; system: number }>(opts.statsPort, 'cpu')
    await getJson(opts.statsPort, 'loop')
    const startedAt = performance.now()
    let peakRssBytes = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        try {
          peakRssBytes = Math.max(peakRssBytes, (await getJson<{ rss: number }>(opts.statsPort, 'rss')).rss)
        } catch (e) {
          // A reused keep-alive socket the server just closed fails once; a dead server fails the run.
          if (opts.server.exitCode !== null || opts.server.signalCode !== null) throw e
        }
        await new Promise((r) => setTimeout(r, 250))
      }
    })()
    // Surfaced after the clients finish (with its cause), not as an unhandled rejection meanwhile.
    const samplerFailed = sampler.then(
      () => null,
      (e: unknown) => e,
    )
    for (const child of children) child.send({ type: 'go', warmupMs: opts.warmupMs, durationMs: opts.durationMs } satisfies TParentMessage)
    await Promise.all(done)
    sampling = false
    const failure = await samplerFailed
    if (failure) throw new Error(`The server process exited during the load (${opts.server.exitCode ?? opts.server.signalCode})`, { cause: failure })
    const statsAfter = await getJson<TCollabStats>(opts.statsPort, 'stats')
    const cpuAfter = await getJson<{ user: number; system: number }>(opts.statsPort, 'cpu')
    const serverLoop = await getJson<{ p99: number }>(opts.statsPort, 'loop')
    const serverCpuShare = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1000 / (performance.now() - startedAt)

    const latencies = results.flatMap((r) => r.latencies)
    const misbehaverCloses: Record<string, number> = {}
    for (const r of results) for (const [code, n] of Object.entries(r.misbehaverCloses)) misbehaverCloses[code] = (misbehaverCloses[code] ?? 0) + n
    const stats = Object.fromEntries(Object.entries(statsAfter).map(([k, v]) => [k, v - statsBefore[k as keyof TCollabStats]])) as unknown as TCollabStats
    return {
      connections: opts.clients.length,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      deliveries: latencies.length,
      intendedEdits: results.reduce((n, r) => n + r.intended, 0),
      sentEdits: results.reduce((n, r) => n + r.sent, 0),
      peakRssBytes,
      serverCpuShare,
      honestClientsCpuShare: results.filter((r) => r.honest).reduce((n, r) => n + r.cpuShare, 0),
      misbehavingClientsCpuShare: results.filter((r) => !r.honest).reduce((n, r) => n + r.cpuShare, 0),
      serverLoopDelayP99Ms: serverLoop.p99,
      honestClientsLoopDelayP99Ms: Math.max(...results.filter((r) => r.honest).map((r) => r.loopDelayP99Ms)),
      stats,
      misbehaverConnections: results.reduce((n, r) => n + r.misbehaverConnections, 0),
      misbehaverCloses,
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  }
}
