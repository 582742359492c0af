import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { NatsConnection } from '@nats-io/nats-core'
import { AppError, AppErrorCode, isAppError, wsCloseCodeFor } from '@montage/core'
import { createHash } from 'node:crypto'
import { createBoardCheckpoint, getBoard, getBoardCheckpoint, type Sql } from '@montage/db'
import { DEFAULT_BOARD_WRITE_LIMITS, type TBoardCommand, type TBoardHistoryCommand } from '@montage/board'
import { createLogger } from '@montage/runtime/log'
import { ReconnectCooldowns } from './ReconnectCooldowns'
import { RATE_LIMIT_CLOSE_CODE } from './TokenBucket'
import { BoardRooms } from './BoardRooms'
import type { TBoardLimits, TCrowdPacing } from './BoardRoom'
import type { TConnectionLimits } from './BoardConnection'
import type { TPersistenceOptions } from './BoardPersistence'
import { BoardRelay } from './BoardRelay'
import { BoardUpdateWriter } from './BoardUpdateWriter'
import { ShotSearchWriter } from './ShotSearchWriter'
import { authorizeConnection } from './authorize-connection'
import { consumeBoardCommands, type TBoardCommandConsumer } from './consume-board-commands'
import { relayJobProgress } from './relay-job-progress'
import { closeSocket } from './close-socket'
import { SessionSockets } from './SessionSockets'
import { MemberSockets } from './MemberSockets'
import { errorFields, fromPino, type TLogger } from './logger'
import { createCollabStats, type TCollabMetricsSink, type TCollabStats } from './collab-stats'

export interface CreateCollabServerOptions {
  db: Sql
  nats: NatsConnection
  /** PEM public key that session tokens are verified with (`resolveJwtKey`). */
  jwtKey: string
  /** `local` (default): every token's session is checked in PostgreSQL, and closed when revoked. */
  authMode?: 'local' | 'clerk'
  /** Whether demo sessions count (`MONTAGE_DEMO=1`). */
  demoMode?: boolean
  /** How often open sockets' sessions are re-checked in PostgreSQL (default 60 s). */
  sessionSweepMs?: number
  /** How often open sockets' memberships are re-checked in PostgreSQL (default 60 s). */
  memberSweepMs?: number
  persistence?: Partial<TPersistenceOptions>
  logger?: TLogger
  /** JetStream durable consumer of board commands: one name per deployment (tests use their own). */
  consumerName?: string
  /** Where a newly created durable starts: `all` in production, `new` for test servers. */
  commandDeliverPolicy?: 'all' | 'new'
  /** Lets NATS delete the durable after this much inactivity (test consumers). */
  consumerInactiveThresholdMs?: number
  /** Largest frame accepted; a bigger one closes the connection (1009). */
  maxPayloadBytes?: number
  /** How long an idle room stays loaded after its last store. */
  roomLingerMs?: number
  /** Per-connection and per-board limits; each one left out keeps its default (`DEFAULT_CONNECTION_LIMITS`). */
  limits?: Partial<TConnectionLimits>
  /** What one board may hold (records, size of a record); a client update past it is refused. */
  boardLimits?: Partial<TBoardLimits>
  /** How long a client closed for misbehaving (flood, slow reader, held pile-up, malformed frames) waits before it may reconnect; doubles on repeats. */
  reconnectCooldownMs?: number
  /** Relay edits and presence to other instances over NATS (default on). */
  relay?: boolean
  /** How often each open board exchanges state vectors with its peers (repairs lost relay messages). */
  antiEntropyMs?: number
  /** How a board of many connections paces its update sends (`DEFAULT_CROWD_PACING`: 64 connections, 8 ms). */
  crowd?: TCrowdPacing
  /** How long a job that stopped reporting keeps its progress bar on the board (default 30 s). */
  jobIdleMs?: number
  /** How often an open board's unfinished variations are reconciled with the generations table (default 60 s; also at load; 0: never). */
  reconcileIntervalMs?: number
  /** Bytes of relayed messages waiting for their other chunks (default 64 MiB). */
  relayMaxPendingBytes?: number
  /** Where connections and update latency are reported (main.ts: the process's Prometheus metrics). */
  metrics?: TCollabMetricsSink
  /** Answers on the main port before the 404 (main.ts: `/readyz` through `createOpsHandler`); true when it answered. */
  httpHandler?: (req: IncomingMessage, res: ServerResponse) => boolean
}

export interface CollabServer {
  /** Starts the board command consumer, then listens for HTTP (`/healthz`) and WebSocket upgrades. */
  listen(port: number, host?: string): Promise<{ port: number }>
  /** Stops taking work, closes every socket (1001), and stores every pending update. */
  close(): Promise<void>
  /** For embedding in another HTTP server's `upgrade` event (the command consumer then needs `listen`). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Board ids whose rooms are loaded right now. */
  loadedBoards(): string[]
  /** What the limits did so far (a copy). */
  stats(): TCollabStats
}

// Appends to the log are small and cheap (compaction is the costly part, every 100 rows), so we
// store sooner than hocuspocus's 2 s / 10 s: an edit is durable within about 0.4 s, at most 2 s.
const DEFAULT_PERSISTENCE: TPersistenceOptions = { debounceMs: 400, maxDebounceMs: 2_000, compactAfterRows: 100 }
const BOARD_PATH = /^\/boards\/([^/]+)\/?$/
const PING_INTERVAL_MS = 30_000
export const DEFAULT_RECONCILE_INTERVAL_MS = 60_000
const CLOSE_GRACE_MS = 3_000
/** The first wait after a close for misbehaving; each further one in ten minutes doubles it, up to a minute. */
const DEFAULT_RECONNECT_COOLDOWN_MS = 5_000
const MAX_RECONNECT_COOLDOWN_MS = 60_000
const REFUSED_CHANGE_COOLDOWN_MS = 1_000

export function createCollabServer(opts: CreateCollabServerOptions): CollabServer {
  const logger = opts.logger ?? fromPino(createLogger('collab-server'))
  const persistence: TPersistenceOptions = { ...DEFAULT_PERSISTENCE, ...opts.persistence }
  const relay = opts.relay === false ? undefined : new BoardRelay(opts.nats, logger, { maxPendingBytes: opts.relayMaxPendingBytes })
  const writer = new BoardUpdateWriter(opts.db)
  const searchWriter = new ShotSearchWriter(opts.db)
  const boardLimits = { ...DEFAULT_BOARD_WRITE_LIMITS, ...opts.boardLimits }
  const stats = createCollabStats()
  const rooms = new BoardRooms({ db: opts.db, logger, persistence, limits: opts.limits, boardLimits, stats, metrics: opts.metrics, relay, antiEntropyMs: opts.antiEntropyMs, crowd: opts.crowd, writer, searchWriter, lingerMs: opts.roomLingerMs ?? 2_000, jobIdleMs: opts.jobIdleMs, reconcileIntervalMs: opts.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS })
  // Live job progress from the workers, shown on the boards this instance holds.
  const jobProgress = relayJobProgress({ nats: opts.nats, loadedRoom: (boardId) => rooms.peek(boardId), logger })
  // Signing out closes that session's sockets on every instance.
  const sessions = new SessionSockets({ db: opts.db, nats: opts.nats, logger, sweepMs: opts.sessionSweepMs })
  // Removing a member (or taking away their edit rights) closes their sockets on every instance.
  const members = new MemberSockets({ db: opts.db, nats: opts.nats, logger, sweepMs: opts.memberSweepMs })
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? 10 * 1024 * 1024 })
  const http = createServer(handleRequest)
  http.on('upgrade', handleUpgrade)
  const inFlightUpgrades = new Set<Promise<void>>()
  const alive = new WeakSet<WebSocket>()
  let consumer: TBoardCommandConsumer | null = null
  let closing = false
  let closed: Promise<void> | null = null

  // Browsers answer pings on their own; a socket that misses one round is dead (laptop lid shut).
  const cooldownMs = opts.reconnectCooldownMs ?? DEFAULT_RECONNECT_COOLDOWN_MS
  const cooldowns = new ReconnectCooldowns({ baseMs: cooldownMs, maxMs: MAX_RECONNECT_COOLDOWN_MS, forgetMs: 10 * 60_000 })
  const pruner = setInterval(() => cooldowns.prune(), 60_000)
  pruner.unref()
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, PING_INTERVAL_MS)
  pinger.unref()
  wss.on('connection', (ws) => {
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
  })

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(closing ? 503 : 200, { 'content-type': 'text/plain' }).end(closing ? 'closing' : 'ok')
      return
    }
    if (opts.httpHandler?.(req, res)) return
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
  }

  // Listeners that stay on a socket for its whole life are made outside the upgrade's closures, so
  // they do not keep the upgrade request and its head alive as long as the connection.
  const onUpgradeSocketError = (e: Error) => logger.warn('upgrade socket error', errorFields(e))
  const onMetricsClose = () => opts.metrics?.connectionClosed()
  // A refused change only waits out a moment (the canvas reloads the board and reconnects).
  const strikeOnMisbehaviour = (cooldownKey: string | null) => (kind: 'refused-change' | 'abuse') => {
    if (cooldownKey) cooldowns.strike(cooldownKey, kind === 'refused-change' ? Math.min(REFUSED_CHANGE_COOLDOWN_MS, cooldownMs) : undefined)
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until `ws` owns the socket, a reset by the peer would otherwise be an unhandled 'error'.
    socket.on('error', onUpgradeSocketError)
    const work = admit(req, socket, head).catch((e) => {
      logger.error('upgrade failed', errorFields(e))
      socket.destroy()
    })
    inFlightUpgrades.add(work)
    void work.finally(() => inFlightUpgrades.delete(work))
  }

  /** Authorizes and loads the room before completing the upgrade, so no frame arrives before we can serve it. */
  async function admit(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closing) return acceptAndClose(req, socket, head, 1012, 'The server is restarting; reconnect shortly.')
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = BOARD_PATH.exec(url.pathname)
    const token = url.searchParams.get('token')
    // Closed for misbehaving a moment ago: refused before any work (no token check, no load).
    const cooldownKey = match && token ? `${match[1]}:${createHash('sha256').update(token).digest('base64url')}` : null
    const wait = cooldownKey ? cooldowns.remaining(cooldownKey) : 0
    if (wait > 0) return acceptAndClose(req, socket, head, RATE_LIMIT_CLOSE_CODE, `Closed a moment ago for misbehaving: reconnect in ${Math.ceil(wait / 1000)} s.`)
    let boardId = ''
    let grant
    try {
      if (!match) throw new AppError(AppErrorCode.NOT_FOUND, 'No such endpoint: connect to /boards/<boardId>.')
      boardId = decodeURIComponent(match[1]!)
      grant = await authorizeConnection({
        db: opts.db,
        jwtKey: opts.jwtKey,
        authMode: opts.authMode ?? 'local',
        demoMode: opts.demoMode ?? false,
        boardId,
        token,
      })
    } catch (e) {
      const appError = isAppError(e) ? e : new AppError(AppErrorCode.INTERNAL, 'The server could not check your access; try again.', { cause: e })
      if (!isAppError(e)) logger.error('authorizing connection failed', { boardId, ...errorFields(e) })
      return acceptAndClose(req, socket, head, wsCloseCodeFor(appError.code), appError.message)
    }
    let room
    try {
      room = await rooms.acquire(boardId)
    } catch {
      return acceptAndClose(req, socket, head, wsCloseCodeFor(AppErrorCode.INTERNAL), 'The board could not be loaded; try again.')
    }
    if (closing || !socket.readable || !socket.writable) {
      room.release()
      socket.destroy()
      return
    }
    const info = { userId: grant.userId, userName: grant.userName, canWrite: grant.canWrite, canComment: grant.canComment, onMisbehaved: strikeOnMisbehaviour(cooldownKey) }
    const { sessionId } = grant
    const member = { workspaceId: grant.workspaceId, userId: grant.userId, canWrite: grant.canWrite }
    wss.handleUpgrade(req, socket, head, (ws) => {
      room.addConnection(ws, { ...info, socket })
      wss.emit('connection', ws, req)
      sessions.track(sessionId, ws)
      members.track(member, ws)
      opts.metrics?.connectionOpened()
      ws.once('close', onMetricsClose)
    })
  }

  /** Browsers only see a close code on an open socket (a refused upgrade reads as 1006), so we accept first. */
  function acceptAndClose(req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void {
    if (!socket.readable || !socket.writable) {
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => closeSocket(ws, code, reason))
  }

  async function applyCommand(command: TBoardCommand | TBoardHistoryCommand): Promise<void> {
    // A room for a board that is gone would fail every store (foreign key); refuse it up front.
    if (!rooms.has(command.boardId) && !(await getBoard(opts.db, command.boardId))) {
      throw new AppError(AppErrorCode.NOT_FOUND, `Board ${command.boardId} does not exist.`)
    }
    const room = await rooms.acquire(command.boardId)
    try {
      if (command.type === 'checkpoint.create') {
        await room.flush()
        await createBoardCheckpoint(opts.db, { id: command.checkpointId, boardId: command.boardId, name: command.name, snapshot: room.encodeState(), createdBy: command.createdBy ?? null })
      } else if (command.type === 'checkpoint.restore') {
        const checkpoint = await getBoardCheckpoint(opts.db, { boardId: command.boardId, checkpointId: command.checkpointId })
        if (!checkpoint) throw new AppError(AppErrorCode.NOT_FOUND, `Checkpoint ${command.checkpointId} of board ${command.boardId} does not exist.`)
        // The state before, kept as a checkpoint of its own: restoring it undoes the restore.
        // Its id comes from the command's, so a redelivered command keeps one.
        const name = `Before restoring “${checkpoint.name}”`.slice(0, 120)
        await room.flush()
        await createBoardCheckpoint(opts.db, { id: uuidFrom(`restore:${command.id}`), boardId: command.boardId, name, snapshot: room.encodeState(), createdBy: command.createdBy ?? null })
        await room.restoreRecords(checkpoint.snapshot)
      } else {
        await room.applyCommand(command)
      }
    } finally {
      room.release()
    }
  }

  async function closeSockets(): Promise<void> {
    await Promise.all(
      [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve()
            ws.once('close', () => resolve())
            // A graceful close lets frames the client sent before our close frame still arrive and be applied.
            closeSocket(ws, 1001, 'The server is shutting down.')
            setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
          }),
      ),
    )
  }

  return {
    async listen(port, host = '127.0.0.1') {
      consumer = await consumeBoardCommands({
        nats: opts.nats,
        consumerName: opts.consumerName ?? 'collab-server',
        deliverPolicy: opts.commandDeliverPolicy ?? 'all',
        inactiveThresholdMs: opts.consumerInactiveThresholdMs,
        logger,
        apply: applyCommand,
      })
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject)
        http.listen(port, host, () => {
          http.off('error', reject)
          resolve()
        })
      })
      const address = http.address() as AddressInfo
      logger.info('collab server listening', { host, port: address.port })
      return { port: address.port }
    },

    close() {
      closed ??= (async () => {
        closing = true
        clearInterval(pinger)
        clearInterval(pruner)
        jobProgress.stop()
        sessions.stop()
        members.stop()
        const httpClosed = new Promise<void>((resolve) => (http.listening ? http.close(() => resolve()) : resolve()))
        http.closeIdleConnections()
        await consumer?.stop()
        await Promise.allSettled([...inFlightUpgrades])
        await closeSockets()
        await rooms.closeAll()
        wss.close()
        http.closeAllConnections()
        await httpClosed
        logger.info('collab server closed')
      })()
      return closed
    },

    handleUpgrade,
    loadedBoards: () => rooms.boardIds(),
    stats: () => ({ ...stats }),
  }
}

/** A stable UUID-shaped id derived from text (idempotency of derived rows). */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}
