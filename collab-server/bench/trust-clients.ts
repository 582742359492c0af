/**
 * One load-generator process of the trust load (`trust-load.ts` forks several, so the clients'
 * CPU is spread over cores): honest editors that measure edit latency, and the misbehaving
 * clients of issue 12 (never read, flood sync step 1, oversize presence, held-update pile-up).
 * Talks to its parent over IPC: `start` → `ready` → `go` → `result`.
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getRecords } from '@montage/board'
import { BenchClient } from './BenchClient'
import { validShot } from '../test/valid-records'

export type TMisbehaviour = 'never-read' | 'sync-flood' | 'oversize-presence' | 'held-pile-up'

export interface TLoadClient {
  boardId: string
  token: string
  /** Honest: edits its own shot (`shotId`) every interval; otherwise the misbehaviour it plays. */
  kind: 'honest' | TMisbehaviour
  shotId?: string
  shotIndex?: number
}

export interface TClientsConfig {
  url: string
  clients: TLoadClient[]
  editIntervalMs: number
}

export type TParentMessage = { type: 'start'; config: TClientsConfig } | { type: 'go'; warmupMs: number; durationMs: number } | { type: 'stop' }
export type TChildMessage =
  | { type: 'ready' }
  | {
      type: 'result'
      latencies: number[]
      intended: number
      sent: number
      misbehaverConnections: number
      misbehaverCloses: Record<string, number>
      /** CPU this process used while the clients edited, in core-seconds per second. */
      cpuShare: number
      /** This process's event-loop delay p99 while the clients edited, in ms (its own share of the latency). */
      loopDelayP99Ms: number
      honest: boolean
    }

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

/** An update the server cannot apply yet: it continues changes it never got, so it is held. */
function heldUpdate(): Uint8Array {
  const doc = new Y.Doc()
  const kv = getRecords(doc)
  kv.set('shape:never-sent', validShot('shape:never-sent', 0))
  const sv = Y.encodeStateVector(doc)
  kv.set('shape:parked', validShot('shape:parked', 1, 'parked brief '.repeat(8_000)))
  return Y.encodeStateAsUpdate(doc, sv)
}

class Misbehaver {
  connections = 0
  closes: Record<string, number> = {}
  private ws: WebSocket | null = null
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly url: string,
    private readonly kind: TMisbehaviour,
    private readonly held: Uint8Array,
  ) {}

  start(): Promise<void> {
    return this.connect()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.ws?.terminate()
  }

  /** Connects, misbehaves until the server closes it, then comes back a second later (as an attacker would). */
  private connect(): Promise<void> {
    return new Promise((resolve) => {
      // A zero mask: the cheapest frames to send (and the server skips unmasking them), as a
      // cost-minded attacker would send them; it also keeps this process from starving the others.
      const ws = new WebSocket(this.url, { generateMask: (mask) => void mask.fill(0) })
      this.ws = ws
      ws.on('error', () => {})
      ws.on('open', () => {
        this.connections++
        this.timer = this.misbehave(ws)
        resolve()
      })
      ws.on('close', (code) => {
        if (this.timer) clearInterval(this.timer)
        this.timer = null
        if (this.stopped) return
        this.closes[code] = (this.closes[code] ?? 0) + 1
        setTimeout(() => void this.connect(), Number(process.env.TRUST_RECONNECT_MS ?? 1_000))
      })
    })
  }

  private misbehave(ws: WebSocket): NodeJS.Timeout {
    const send = (f: Uint8Array) => ws.readyState === WebSocket.OPEN && ws.send(f)
    switch (this.kind) {
      case 'never-read': {
        ws.pause()
        // And keeps asking for the whole board, so the server has something to queue.
        const ask = frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, new Uint8Array([0]))))
        return setInterval(() => send(ask), 50)
      }
      case 'sync-flood':
        // Reads (and drops) everything, asks 200 times a second with made-up state vectors.
        return setInterval(() => {
          const sv = frame((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint(e, Math.floor(Math.random() * 2 ** 30)), encoding.writeVarUint(e, Math.floor(Math.random() * 1000))))
          send(frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, sv))))
        }, 5)
      case 'oversize-presence': {
        // 100 KB of presence, 20 times a second (one frame made once: the server drops it by its size).
        const id = Math.floor(Math.random() * 2 ** 30)
        const state = JSON.stringify({ user: { name: 'Big' }, blob: 'x'.repeat(100_000) })
        const update = frame((u) => (encoding.writeVarUint(u, 1), encoding.writeVarUint(u, id), encoding.writeVarUint(u, 1), encoding.writeVarString(u, state)))
        const big = frame((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, update)))
        return setInterval(() => send(big), 50)
      }
      case 'held-pile-up': {
        const parked = frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, this.held)))
        return setInterval(() => send(parked), 50)
      }
    }
  }
}

interface Honest {
  client: BenchClient
  shotId: string
  shotIndex: number
  nextAt: number
}

async function run(config: TClientsConfig): Promise<void> {
  const honest: Honest[] = []
  const misbehavers: Misbehaver[] = []
  const latencies: number[] = []
  let measuring = false
  const held = heldUpdate()
  for (const c of config.clients) {
    const url = `${config.url}/boards/${c.boardId}?token=${c.token}`
    if (c.kind !== 'honest') {
      misbehavers.push(new Misbehaver(url, c.kind, held))
      continue
    }
    const client = new BenchClient(url, 'y-websocket', c.boardId)
    getRecords(client.doc).on('change', (changes, tr: Y.Transaction) => {
      if (tr.local || !measuring) return
      const at = now()
      for (const change of changes.values()) {
        const title = change.action === 'delete' ? undefined : (change.newValue as { props?: { title?: string } }).props?.title
        if (title?.startsWith('t:')) latencies.push(at - Number(title.slice(2)))
      }
    })
    honest.push({ client, shotId: c.shotId!, shotIndex: c.shotIndex!, nextAt: 0 })
  }
  // In waves, as people arrive: 200 syncs at once would measure the arrival, not the editing.
  for (let i = 0; i < honest.length; i += 10) await Promise.all(honest.slice(i, i + 10).map((h) => h.client.synced))
  process.send!({ type: 'ready' } satisfies TChildMessage)

  const go = await new Promise<Extract<TParentMessage, { type: 'go' }>>((resolve) => process.on('message', (m: TParentMessage) => m.type === 'go' && resolve(m)))
  await Promise.all(misbehavers.map((m) => m.start()))
  // Everyone edits through a warm-up first; only edits sent after it are stamped and counted.
  const warmupEnd = now() + go.warmupMs
  const started = now()
  const end = warmupEnd + go.durationMs
  const cpuBefore = process.cpuUsage()
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()
  // Each person edits once per interval, starting at a random phase; an edit missed because this
  // process was busy is not made up later: it counts as intended but not sent.
  for (const h of honest) h.nextAt = started + Math.random() * config.editIntervalMs
  const intended = honest.length * Math.floor(go.durationMs / config.editIntervalMs)
  let sent = 0
  let revision = 0
  while (now() < end) {
    const t = now()
    measuring = t >= warmupEnd
    for (const h of honest) {
      if (h.nextAt > t) continue
      if (t - h.nextAt < config.editIntervalMs) {
        const kv = getRecords(h.client.doc)
        const title = measuring ? `t:${now().toFixed(3)}` : 'warming up'
        kv.set(h.shotId, validShot(h.shotId, h.shotIndex, `The keeper's brief, revision ${revision++}.`, title))
        if (measuring) sent++
      }
      h.nextAt += config.editIntervalMs * Math.max(1, Math.ceil((t - h.nextAt) / config.editIntervalMs))
    }
    await sleep(5)
  }
  // Late deliveries still count: only what was sent in the window was stamped.
  await sleep(2_000)
  measuring = false
  const cpu = process.cpuUsage(cpuBefore)
  const cpuShare = (cpu.user + cpu.system) / 1000 / (now() - started)
  for (const m of misbehavers) m.stop()
  const misbehaverCloses: Record<string, number> = {}
  for (const m of misbehavers) for (const [code, n] of Object.entries(m.closes)) misbehaverCloses[code] = (misbehaverCloses[code] ?? 0) + n
  process.send!({
    type: 'result',
    latencies,
    intended,
    sent: Math.min(sent, intended),
    misbehaverConnections: misbehavers.reduce((n, m) => n + m.connections, 0),
    misbehaverCloses,
    cpuShare,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    honest: honest.length > 0,
  } satisfies TChildMessage)
  for (const h of honest) h.client.close()
  setTimeout(() => process.exit(0), 200)
}

process.on('message', (m: TParentMessage) => {
  if (m.type === 'start') void run(m.config)
  if (m.type === 'stop') process.exit(0)
})
