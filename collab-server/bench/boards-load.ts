/**
 * Runs lean clients (`boards-clients.ts`) spread over several forked processes, so that on a
 * small machine the load generator is less often what is measured; each process reports the CPU
 * it used and how many of the edits it meant to send it did send.
 */
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TLeanChildMessage, TLeanClient, TLeanConfig, TLeanParentMessage } from './boards-clients'
import type { TDialect } from './BenchClient'
import type { TBoardOpened, TBoardOpening } from './board-opener'

const HERE = path.dirname(fileURLToPath(import.meta.url))

export interface TLeanLoadOptions {
  dialect: TDialect
  clients: TLeanClient[]
  processes: number
  editIntervalMs: number
  cursorHz?: number
  /** Edits per client sent at once at go (throughput), instead of a steady load; see `TLeanConfig.burst`. */
  burst?: number
  warmupMs: number
  durationMs: number
  /** A span from go whose sent edits are counted apart (`sentCold`), ended by `onCold`. */
  coldMs?: number
  /**
   * Called once each process has connected the first half of its clients, before it connects the
   * rest, with how many are connected (the clients come board by board and are dealt out in turn,
   * so the first half is the first half of the boards).
   */
  onHalfway?: (connected: number) => Promise<void>
  /** Called once every client is synced, before anyone edits (e.g. to read the server's memory). */
  onReady?: () => Promise<void>
  /** Called when the clients start editing and when they have reported (e.g. the server's CPU). */
  onGo?: () => Promise<void>
  /** Called `coldMs` after go, and when the warm-up ends (`warmupMs` after go): e.g. the server's CPU then. */
  onCold?: () => Promise<void>
  onWarm?: () => Promise<void>
  onDone?: () => Promise<void>
}

export interface TLeanLoadResult {
  latencies: number[]
  intended: number
  sent: number
  sentTotal: number
  /** Edits sent in the first `coldMs` after go. */
  sentCold: number
  /** The share of intended edits sent: a figure counts only at 95 % or more. */
  sentShare: number
  /** CPU of the client processes together, in cores (1 = one core busy). */
  clientsCpu: number
  clientsLoopDelayP99Ms: number
  /** From the first client's start to the last counted arrival, in ms (a burst's span). */
  spanMs: number
}

/** Processes for the clients: BOARDS_BENCH_PROCESSES, else 3. */
export function loadProcesses(): number {
  return Number(process.env.BOARDS_BENCH_PROCESSES ?? 3)
}

export async function runLeanLoad(opts: TLeanLoadOptions): Promise<TLeanLoadResult> {
  const n = Math.max(1, Math.min(opts.processes, opts.clients.length))
  const shares: TLeanClient[][] = Array.from({ length: n }, () => [])
  opts.clients.forEach((c, i) => shares[i % n]!.push(c))
  // With `onHalfway`, each process connects this many of its share first.
  const firstHalf = (share: TLeanClient[]) => (opts.onHalfway ? Math.floor(share.length / 2) : 0)
  const children: ChildProcess[] = []
  const results: Extract<TLeanChildMessage, { type: 'result' }>[] = []
  const marks: Promise<void>[] = []
  const timers: NodeJS.Timeout[] = []
  try {
    const halfway: Promise<void>[] = []
    const ready: Promise<void>[] = []
    const done: Promise<void>[] = []
    shares.forEach((share, p) => {
      const child = fork(path.join(HERE, 'boards-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      children.push(child)
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`a load-generator process exited (${code}) before reporting`))))
      exited.catch(() => {})
      if (opts.onHalfway) halfway.push(Promise.race([new Promise<void>((resolve) => child.on('message', (m: TLeanChildMessage) => m.type === 'halfway' && resolve())), exited]))
      ready.push(Promise.race([new Promise<void>((resolve) => child.on('message', (m: TLeanChildMessage) => m.type === 'ready' && resolve())), exited]))
      done.push(Promise.race([new Promise<void>((resolve) => child.on('message', (m: TLeanChildMessage) => m.type === 'result' && (results.push(m), resolve()))), exited]))
      const config: TLeanConfig = {
        dialect: opts.dialect,
        clients: share,
        editIntervalMs: opts.editIntervalMs,
        cursorHz: opts.cursorHz ?? 0,
        tag: `p${p}`,
        ...(opts.burst !== undefined ? { burst: opts.burst } : {}),
        ...(opts.onHalfway ? { pauseAfter: firstHalf(share) } : {}),
      }
      child.send({ type: 'start', config } satisfies TLeanParentMessage)
    })
    if (opts.onHalfway) {
      await Promise.all(halfway)
      await opts.onHalfway(shares.reduce((sum, share) => sum + firstHalf(share), 0))
      for (const child of children) child.send({ type: 'continue' } satisfies TLeanParentMessage)
    }
    await Promise.all(ready)
    await opts.onReady?.()
    await opts.onGo?.()
    for (const child of children) child.send({ type: 'go', warmupMs: opts.warmupMs, durationMs: opts.durationMs, ...(opts.coldMs !== undefined ? { coldMs: opts.coldMs } : {}) } satisfies TLeanParentMessage)
    const mark = (ms: number | undefined, at: (() => Promise<void>) | undefined) => {
      if (ms !== undefined && at) timers.push(setTimeout(() => marks.push(at()), ms))
    }
    mark(opts.coldMs, opts.onCold)
    mark(opts.warmupMs, opts.onWarm)
    await Promise.all(done)
    await Promise.all(marks)
    await opts.onDone?.()
  } finally {
    for (const timer of timers) clearTimeout(timer)
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  }
  const intended = results.reduce((s, r) => s + r.intended, 0)
  const sent = results.reduce((s, r) => s + r.sent, 0)
  return {
    latencies: results.flatMap((r) => r.latencies),
    intended,
    sent,
    sentTotal: results.reduce((s, r) => s + r.sentTotal, 0),
    sentCold: results.reduce((s, r) => s + r.sentCold, 0),
    sentShare: intended > 0 ? sent / intended : 0,
    clientsCpu: results.reduce((s, r) => s + r.cpuShare, 0),
    clientsLoopDelayP99Ms: Math.max(...results.map((r) => r.loopDelayP99Ms)),
    spanMs: Math.max(...results.map((r) => r.lastArrivalAt)) - Math.min(...results.map((r) => r.startedAt)),
  }
}

/** Opens a board in a forked process of its own (`board-opener.ts`) and returns what it measured. */
export function openBoardInOwnProcess(opening: TBoardOpening): Promise<TBoardOpened> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const child = fork(path.join(HERE, 'board-opener.ts'), [JSON.stringify(opening)], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('message', (m: TBoardOpened) => resolve(m))
    child.once('exit', (code) => reject(new Error(`the board opener exited (${code}) before reporting`)))
  })
}
