import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'
import type { TRole } from '@montage/core'
import type { TLRecord } from '@tldraw/tlschema'
import { streams } from '@montage/core'
import { addMember, appendBoardUpdate, createBoard, createWorkspace, loadBoardUpdates, upsertUser, type Sql } from '@montage/db'
import { openTestDb } from '@montage/db/testing'
import { ensureLocalKeys, issueLocalSession, type LocalKeys } from '@montage/auth'
import { readRecords as readAllRecords } from '@montage/board'
import { geoShape, presenceState, seedBoardUpdate } from '@montage/board/testing'
import { createCollabServer, type CollabServer, type CreateCollabServerOptions, type TLogger } from '../src'

export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222'

/** Keeps test output readable; the lines are there to print when a test needs debugging. */
export function quietLogger(): TLogger & { lines: string[] } {
  const lines: string[] = []
  const push = (level: string) => (m: string, f?: Record<string, unknown>) => void lines.push(`${level} ${m} ${JSON.stringify(f ?? {})}`)
  return { lines, info: push('info'), warn: push('warn'), error: push('error') }
}

export interface TestEnv {
  db: Sql
  nats: NatsConnection
  keys: LocalKeys
  /** Holds `auth/` with the keys: a server process started with DATA_DIR here verifies our tokens. */
  dataDir: string
  /** Per-file durable consumer, so parallel test files each get every command they publish. */
  consumerName: string
  servers: CollabServer[]
  providers: WebsocketProvider[]
}

export async function openTestEnv(): Promise<TestEnv> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'montage-collab-'))
  const [db, nats, keys] = await Promise.all([openTestDb(), connect({ servers: NATS_URL }), ensureLocalKeys(dataDir)])
  return { db, nats, keys, dataDir, consumerName: `collab-test-${randomUUID().slice(0, 8)}`, servers: [], providers: [] }
}

export async function closeTestEnv(env: TestEnv): Promise<void> {
  for (const p of env.providers) p.destroy()
  await Promise.all(env.servers.map((s) => s.close()))
  const jsm = await jetstreamManager(env.nats)
  await jsm.consumers.delete(streams.boardCommands.name, env.consumerName).catch(() => {})
  await env.nats.close()
  await env.db.end({ timeout: 5 })
}

export async function startServer(env: TestEnv, opts: Partial<CreateCollabServerOptions> = {}): Promise<{ server: CollabServer; port: number }> {
  const server = createCollabServer({
    db: env.db,
    nats: env.nats,
    jwtKey: env.keys.publicKeyPem,
    logger: quietLogger(),
    consumerName: env.consumerName,
    commandDeliverPolicy: 'new',
    consumerInactiveThresholdMs: 5 * 60_000,
    persistence: { debounceMs: 50, maxDebounceMs: 500 },
    roomLingerMs: 0,
    // Tests reconnect right after being closed on purpose; reconnect-cooldown.test.ts covers the wait.
    reconnectCooldownMs: 0,
    ...opts,
  })
  env.servers.push(server)
  const { port } = await server.listen(0)
  return { server, port }
}

export interface TestUser {
  id: string
  token: string
  /** The session the token belongs to (signing out revokes it). */
  sessionId: string
}

export async function createUser(env: TestEnv, name = 'Tester'): Promise<TestUser> {
  const subject = `local:test-${randomUUID()}`
  const user = await upsertUser(env.db, { authSubject: subject, name })
  const { token, session } = await issueLocalSession({ db: env.db, privateKeyPem: env.keys.privateKeyPem, user, kind: 'password', ttlSeconds: 12 * 3600 })
  return { id: user.id, token, sessionId: session.id }
}

/** A fresh workspace and board owned by a fresh user, plus one member per requested role. */
export async function createBoardWithMembers(env: TestEnv, roles: TRole[] = []): Promise<{ boardId: string; owner: TestUser; members: TestUser[] }> {
  const owner = await createUser(env, 'Owner')
  const ws = await createWorkspace(env.db, { name: `ws ${randomUUID().slice(0, 8)}`, ownerId: owner.id })
  const board = await createBoard(env.db, { workspaceId: ws.id, name: 'Board', createdBy: owner.id })
  // What the first browser writes to a new board: the document, its page, the schema.
  await appendBoardUpdate(env.db, { boardId: board.id, update: seedBoardUpdate() })
  const members: TestUser[] = []
  for (const role of roles) {
    const user = await createUser(env, role)
    await addMember(env.db, { workspaceId: ws.id, userId: user.id, role })
    members.push(user)
  }
  return { boardId: board.id, owner, members }
}

/** The browser's client, as `web` creates it: serverUrl `/boards`, room = board id, token as a param. */
export async function openProvider(env: TestEnv, port: number, boardId: string, token: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/boards`, boardId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  env.providers.push(provider)
  await waitFor(() => provider.synced)
  return { doc, provider }
}

/** Opens a raw socket and resolves with how the server closed it. */
export function connectAndAwaitClose(url: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('error', reject)
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })
}

export async function waitFor(condition: () => boolean | Promise<boolean>, { timeoutMs = 10_000, intervalMs = 20 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/**
 * The shapes of a board document, by id: what tests write and compare (every board also holds the
 * document record and the page its first client seeded).
 */
export function readRecords(doc: Y.Doc): Record<string, TLRecord> {
  return Object.fromEntries(Object.entries(readAllRecords(doc)).filter(([, r]) => r.typeName === 'shape'))
}

/** The board's shapes as a fresh server would load them: every stored update, merged. */
export async function storedRecords(db: Sql, boardId: string): Promise<Record<string, unknown>> {
  const doc = new Y.Doc()
  for (const update of await loadBoardUpdates(db, boardId)) Y.applyUpdate(doc, update)
  return readRecords(doc)
}

/** A valid rectangle on the board's page (`extra` overrides its fields). */
export function shapeRecord(id: string, extra: Record<string, unknown> = {}): never {
  return geoShape(id, extra) as never
}

/** Moves a client's cursor: its whole awareness state, as a canvas announces it. */
export function setCursor(client: { doc: Y.Doc; provider: WebsocketProvider }, x: number, y: number): void {
  client.provider.awareness.setLocalState(presenceState(client.doc.clientID, { x, y }))
}

/** Where `provider` sees the cursor of awareness client `clientId`, if anywhere. */
export function cursorOf(provider: WebsocketProvider, clientId: number): { x: number; y: number } | undefined {
  const cursor = (provider.awareness.getStates().get(clientId) as { presence?: { cursor?: { x: number; y: number } } } | undefined)?.presence?.cursor
  return cursor ? { x: cursor.x, y: cursor.y } : undefined
}
