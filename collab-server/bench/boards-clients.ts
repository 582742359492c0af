/**
 * One load-generator process of the boards bench (`boards-load.ts` forks several, so the clients'
 * CPU is spread over cores). Its clients are lean: each keeps a Y.Doc of the board as it first
 * synced plus its own edits (enough to write valid updates), and reads what others send only for
 * the time stamp each edit carries, never applying it. Over IPC: `start` → `ready` → `go` → `result`.
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ensureSharedTexts, getRecords } from '@montage/board'
import { presenceState, seedBoardUpdate } from '@montage/board/testing'
import { validShot } from '../test/valid-records'
import type { TDialect } from './BenchClient'

export interface TLeanClient {
  /** Full WebSocket URL (ours: /boards/<id>?token=…), and the document name (Hocuspocus's message address). */
  url: string
  documentName: string
  /** Hocuspocus's auth message carries it (empty for ours: the token is in the URL). */
  token: string
  /** Edits once per `editIntervalMs` (its own shot); otherwise only reads. */
  edits: boolean
  /**
   * Once synced, writes the board's starting content (document, page, schema) if the board has
   * none: the peer keeps no boards, so one of each board's clients brings what ours loads from
   * the database, and both servers hold the same boards.
   */
  seeds?: boolean
}

export interface TLeanConfig {
  dialect: TDialect
  clients: TLeanClient[]
  editIntervalMs: number
  /** Cursor moves per second per editing client, sent as awareness (0: none). */
  cursorHz: number
  /** This process's name in the marks its edits carry. */
  tag: string
  /**
   * Throughput instead of a steady load: at go, each client sends this many edits as fast as the
   * process can (ten a turn), and every arrival counts, however late. The edits are written before
   * `ready` and only sent at go: the clients' own Yjs work does not take the cores the servers
   * are measured on.
   */
  burst?: number
  /**
   * Connects this many of its clients first, reports `halfway`, and connects the rest once told to
   * `continue`: the parent reads the server's memory in between (`runLeanLoad`'s `onHalfway`).
   */
  pauseAfter?: number
}

/** `coldMs`: the span from go whose sent edits are counted apart (`sentCold`): a fresh server's first seconds. */
export type TLeanParentMessage = { type: 'start'; config: TLeanConfig } | { type: 'continue' } | { type: 'go'; warmupMs: number; durationMs: number; coldMs?: number } | { type: 'stop' }
export type TLeanChildMessage =
  | { type: 'halfway' }
  | { type: 'ready' }
  | {
      type: 'result'
      /** Milliseconds from an edit's send to its arrival at each other client (in any process). */
      latencies: number[]
      /** Edits the clients meant to send in the measured window, and those they did send (missed ones are not made up later). */
      intended: number
      sent: number
      /** Edits sent in the first `coldMs` after go (0 when no span was asked). */
      sentCold: number
      /** Edits sent in all, warm-up included. */
      sentTotal: number
      /** CPU this process used while the clients edited, in core-seconds per second. */
      cpuShare: number
      /** When the clients started editing, and when the last edit counted arrived (wall-clock ms). */
      startedAt: number
      lastArrivalAt: number
      loopDelayP99Ms: number
    }

const SYNC = 0
const AWARENESS = 1
const SYNC_REPLY = 4 // Hocuspocus answers a sync step 1 with this type
/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** `mk:<sender>:<ms>:<n>~` in an edited shot's title: found in the raw bytes of whatever frame carries it. */
const MARK = Buffer.from('mk:')
const BASE_SHOT = validShot('shape:template', 0) as { props: Record<string, unknown> }

class LeanClient {
  readonly doc = new Y.Doc()
  readonly ws: WebSocket
  readonly synced: Promise<void>
  private resolveSynced!: () => void
  private isSynced = false
  private awarenessClock = 0
  private edits = 0
  private presence: ReturnType<typeof presenceState> | null = null

  constructor(
    private readonly client: TLeanClient,
    private readonly dialect: TDialect,
    readonly tag: string,
    private readonly onMark: (sentAt: number, at: number) => void,
  ) {
    let rejectSynced!: (e: Error) => void
    this.synced = new Promise((resolve, reject) => ((this.resolveSynced = resolve), (rejectSynced = reject)))
    // A zero mask: the cheapest frames to send, and the server's unmasking is a no-op.
    this.ws = new WebSocket(client.url, { generateMask: (mask) => void mask.fill(0), perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('error', () => {})
    this.ws.on('close', (code) => this.isSynced || rejectSynced(new Error(`closed (${code}) before it synced`)))
    this.ws.on('open', () => {
      if (dialect === 'hocuspocus') this.send((e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint(e, 0), encoding.writeVarString(e, client.token)))
      this.send((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeSyncStep1(e, this.doc)))
    })
    this.ws.on('message', (data: Buffer) => this.onMessage(data))
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.send((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeUpdate(e, update)))
    })
  }

  /**
   * Writes the client's shot. The first edit makes it, with its shared texts in the same update, as
   * the board's browser makes a shape (the server then has nothing to add to it).
   */
  edit(shotId: string, index: number, sentAt: number, doc = this.doc): void {
    // The client's edit count keeps two edits of one millisecond apart.
    const title = `mk:${this.tag}:${sentAt.toFixed(3)}:${++this.edits}~`
    const shot = { ...BASE_SHOT, id: shotId, x: index * 10, props: { ...BASE_SHOT.props, title } }
    doc.transact(() => {
      getRecords(doc).set(shotId, shot as never)
      ensureSharedTexts(doc, shot)
    })
  }

  /**
   * `count` edits of the shot written now, as the frames that carry them, to be sent later
   * (`sendFrame`). They are written in a copy of the client's document (same client id): the
   * client's own copy does not hold them, so a sync step 1 of the server meanwhile is answered
   * with what the client had, not with the burst's last state.
   */
  writeEdits(shotId: string, index: number, count: number): Uint8Array[] {
    const ahead = new Y.Doc()
    ahead.clientID = this.doc.clientID
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(this.doc))
    const frames: Uint8Array[] = []
    ahead.on('update', (update: Uint8Array) => frames.push(this.frame((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeUpdate(e, update)))))
    for (let k = 0; k < count; k++) this.edit(shotId, index, now(), ahead)
    ahead.destroy()
    return frames
  }

  sendFrame(frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame)
  }

  moveCursor(x: number, y: number): void {
    this.presence ??= presenceState(this.doc.clientID, { x, y }, { id: this.tag, name: this.tag, color: '#4f8cff' })
    const state = JSON.stringify({ ...this.presence, presence: { ...this.presence.presence, cursor: { ...this.presence.presence.cursor, x, y } } })
    this.send((e) => {
      encoding.writeVarUint(e, AWARENESS)
      const u = encoding.createEncoder()
      encoding.writeVarUint(u, 1)
      encoding.writeVarUint(u, this.doc.clientID)
      encoding.writeVarUint(u, ++this.awarenessClock)
      encoding.writeVarString(u, state)
      encoding.writeVarUint8Array(e, encoding.toUint8Array(u))
    })
  }

  close(): void {
    this.ws.terminate()
    this.doc.destroy()
  }

  private send(write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.frame(write))
  }

  private frame(write: (e: encoding.Encoder) => void): Uint8Array {
    const e = encoding.createEncoder()
    if (this.dialect === 'hocuspocus') encoding.writeVarString(e, this.client.documentName)
    write(e)
    return encoding.toUint8Array(e)
  }

  private onMessage(frame: Buffer): void {
    const d = decoding.createDecoder(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength))
    if (this.dialect === 'hocuspocus') decoding.readVarString(d)
    const type = decoding.readVarUint(d)
    if (type !== SYNC && type !== SYNC_REPLY) return
    const subType = decoding.peekVarUint(d)
    if (subType === syncProtocol.messageYjsSyncStep1) {
      const reply = encoding.createEncoder()
      syncProtocol.readSyncMessage(d, reply, this.doc, this)
      if (encoding.length(reply) > 0) this.send((e) => (encoding.writeVarUint(e, SYNC), encoding.writeUint8Array(e, encoding.toUint8Array(reply))))
      return
    }
    if (!this.isSynced && subType === syncProtocol.messageYjsSyncStep2) {
      syncProtocol.readSyncMessage(d, encoding.createEncoder(), this.doc, this)
      // Sent to the server as any change of the client's board is.
      if (this.client.seeds && getRecords(this.doc).size === 0) Y.applyUpdate(this.doc, seedBoardUpdate())
      this.isSynced = true
      this.resolveSynced()
      return
    }
    // Others' edits are read for their marks only: applying them is the browser's work, not the server's.
    // A shot's first edit carries its mark twice (in its props and in its title's shared text): counted once.
    const at = now()
    const seen = new Set<string>()
    for (let i = frame.indexOf(MARK); i >= 0; i = frame.indexOf(MARK, i + 3)) {
      const end = frame.indexOf(0x7e, i) // '~'
      if (end < 0) break
      const mark = frame.subarray(i, end).toString('latin1')
      if (seen.has(mark)) continue
      seen.add(mark)
      const [, sender, sentAt] = mark.split(':')
      if (sender !== this.tag) this.onMark(Number(sentAt), at)
    }
  }
}

async function run(config: TLeanConfig): Promise<void> {
  const latencies: number[] = []
  // Edits sent in the measured window count, wherever and whenever they arrive. A burst's count
  // from the start: another process may send its burst before this one is told to go.
  let window = config.burst !== undefined ? { from: -Infinity, to: Infinity } : { from: Infinity, to: Infinity }
  let lastArrivalAt = NaN
  const onMark = (sentAt: number, at: number) => {
    if (sentAt < window.from || sentAt >= window.to) return
    latencies.push(at - sentAt)
    if (!(at <= lastArrivalAt)) lastArrivalAt = at
  }
  const clients: LeanClient[] = []
  // In waves, as people arrive; one refused or reset at arrival tries again (a crowd's upgrades can overflow the backlog).
  const connect = async (from: number, to: number) => {
    for (let i = from; i < to; i += 25) {
      await Promise.all(
        config.clients.slice(i, Math.min(i + 25, to)).map(async (c, j) => {
          for (let attempt = 1; ; attempt++) {
            const client = new LeanClient(c, config.dialect, `${config.tag}c${i + j}`, onMark)
            try {
              await client.synced
              clients[i + j] = client
              return
            } catch (e) {
              client.close()
              if (attempt >= 5) throw e
              await sleep(200 * attempt)
            }
          }
        }),
      )
    }
  }
  const pause = Math.min(config.pauseAfter ?? 0, config.clients.length)
  if (pause > 0) {
    await connect(0, pause)
    const resumed = new Promise<void>((resolve) => process.on('message', (m: TLeanParentMessage) => m.type === 'continue' && resolve()))
    process.send!({ type: 'halfway' } satisfies TLeanChildMessage)
    await resumed
  }
  await connect(pause, config.clients.length)
  // A burst's edits, written ahead: its marks carry when they were written, and every arrival counts.
  const written = config.burst !== undefined ? clients.map((c, i) => (config.clients[i]!.edits ? c.writeEdits(`shape:${c.tag}`, i, config.burst!) : [])) : []
  process.send!({ type: 'ready' } satisfies TLeanChildMessage)

  const go = await new Promise<Extract<TLeanParentMessage, { type: 'go' }>>((resolve) => process.on('message', (m: TLeanParentMessage) => m.type === 'go' && resolve(m)))
  const started = now()
  const warmupEnd = started + go.warmupMs
  const end = warmupEnd + go.durationMs
  const coldEnd = started + (go.coldMs ?? 0)
  if (config.burst === undefined) window = { from: warmupEnd, to: end }
  const cpuBefore = process.cpuUsage()
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()
  const editors = clients.map((c, i) => ({ c, i, shotId: `shape:${c.tag}`, nextEdit: started + Math.random() * config.editIntervalMs, nextCursor: started + Math.random() * 1000 })).filter((e) => config.clients[e.i]!.edits)
  const cursorMs = config.cursorHz > 0 ? 1000 / config.cursorHz : Infinity
  let intended = 0
  let sent = 0
  let sentTotal = 0
  let sentCold = 0
  if (config.burst !== undefined) {
    for (let k = 0; k < config.burst; k++) {
      for (const e of editors) e.c.sendFrame(written[e.i]![k]!)
      sentTotal += editors.length
      if (k % 10 === 9) await sleep(0)
    }
    intended = sent = sentTotal
  }
  while (now() < end) {
    const t = now()
    for (const e of editors) {
      if (e.nextCursor <= t) {
        e.c.moveCursor(Math.random() * 1000, Math.random() * 1000)
        e.nextCursor += cursorMs * Math.max(1, Math.ceil((t - e.nextCursor) / cursorMs))
      }
      if (e.nextEdit > t) continue
      // An edit missed because this process was busy is not made up later: intended, not sent.
      const due = Math.max(1, Math.ceil((t - e.nextEdit) / config.editIntervalMs))
      if (e.nextEdit >= warmupEnd) intended += due
      if (t - e.nextEdit < config.editIntervalMs) {
        e.c.edit(e.shotId, e.i, now())
        sentTotal++
        if (t < coldEnd) sentCold++
        if (e.nextEdit >= warmupEnd) sent++
      }
      e.nextEdit += config.editIntervalMs * due
    }
    await sleep(Math.min(5, cursorMs / 4))
  }
  // Late deliveries still count (only edits sent in the window are): wait until none has come
  // for 2 s, at most 30 s, so a server that fell behind shows its backlog rather than losing it.
  let seen = -1
  let quietSince = now()
  const until = now() + 30_000
  while (now() < until && now() - quietSince < 2_000) {
    if (latencies.length !== seen) {
      seen = latencies.length
      quietSince = now()
    }
    await sleep(100)
  }
  const cpu = process.cpuUsage(cpuBefore)
  process.send!({
    type: 'result',
    latencies,
    intended,
    sent: Math.min(sent, intended),
    sentTotal,
    sentCold,
    // A burst's share is over its own span (the quiet wait after it is idle).
    cpuShare: (cpu.user + cpu.system) / 1000 / ((config.burst !== undefined && lastArrivalAt > started ? lastArrivalAt : now()) - started),
    startedAt: started,
    lastArrivalAt,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  } satisfies TLeanChildMessage)
  // The parent ends this process once it has every result (an exit of our own could reach it before the message).
  for (const c of clients) c.close()
}

process.on('message', (m: TLeanParentMessage) => {
  if (m.type === 'start') void run(m.config)
  if (m.type === 'stop') process.exit(0)
})
