import { randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { subjects } from '@montage/core'
import { getRecords, getTexts, parseSharedTextKey, readRecords as readAllRecords, readValidRecords, sharedTextFieldLimit, TEXTS_MAP, type TBoardCommand, type TVariationPatch } from '@montage/board'
import { loadBoardUpdates } from '@montage/db'
import { shapeRecord, waitFor, type TestEnv } from './helpers'
import { jetstream } from '@nats-io/jetstream'

/** A connected client that also records how the server closed it (y-websocket stops on a 44xx). */
export interface TWatchedClient {
  doc: Y.Doc
  provider: WebsocketProvider
  closed: Promise<{ code: number; reason: string }>
}

export async function openWatched(env: TestEnv, port: number, boardId: string, token: string): Promise<TWatchedClient> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/boards`, boardId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  env.providers.push(provider)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    provider.on('connection-close', (event: { code: number; reason: string } | null) => {
      if (event) resolve({ code: event.code, reason: String(event.reason) })
    })
  })
  await waitFor(() => provider.synced)
  return { doc, provider, closed }
}

/** Publishes a board command as the workflows and the API do (the only writer of a variation's results). */
export async function publishCommand(env: TestEnv, command: TBoardCommand): Promise<void> {
  await jetstream(env.nats).publish(subjects.boardCommand(command.boardId), JSON.stringify(command), { msgID: command.id })
}

export async function upsertVariation(env: TestEnv, boardId: string, variationId: string, patch: TVariationPatch): Promise<void> {
  await publishCommand(env, { id: randomUUID(), type: 'variation.upsert', boardId, variationId, patch })
}

/** Every record of the document, the seeded document and page included. */
export function allRecords(doc: Y.Doc): Record<string, unknown> {
  return readAllRecords(doc) as Record<string, unknown>
}

export async function storedDoc(env: TestEnv, boardId: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  for (const update of await loadBoardUpdates(env.db, boardId)) Y.applyUpdate(doc, update)
  return doc
}

/**
 * Sends an honest edit from `from` and waits until every `to` and the database hold it: frames of
 * one socket are handled in order, so whatever the server did with an earlier frame is done.
 */
export async function settle(env: TestEnv, boardId: string, from: { doc: Y.Doc }, to: { doc: Y.Doc }[]): Promise<string> {
  const id = `shape:marker-${randomUUID().slice(0, 8)}`
  getRecords(from.doc).set(id, shapeRecord(id))
  await waitFor(() => to.every((c) => getRecords(c.doc).has(id)))
  await waitFor(async () => getRecords(await storedDoc(env, boardId)).has(id))
  return id
}

/**
 * What a reader of the board must be able to rely on: every stored record valid, the document and
 * a page present, every shape under an existing page or shape, every binding between shapes.
 * Returns the problems found (none for a healthy board).
 */
export function boardProblems(doc: Y.Doc): string[] {
  const problems: string[] = []
  const { records, invalid } = readValidRecords(doc)
  for (const { id, reason } of invalid) problems.push(`${id}: ${reason}`)
  if (getRecords(doc).map.size !== getRecords(doc).yarray.length) problems.push('the records array holds malformed or duplicate entries')
  if (!records.has('document:document')) problems.push('no document record')
  if (![...records.values()].some((r) => r.typeName === 'page')) problems.push('no page')
  for (const record of records.values()) {
    if (record.typeName === 'shape') {
      const parent = records.get(record.parentId)
      if (!parent || (parent.typeName !== 'page' && parent.typeName !== 'shape')) problems.push(`${record.id} hangs from missing ${record.parentId}`)
    }
    if (record.typeName === 'binding') {
      if (!records.has(record.fromId) || !records.has(record.toId)) problems.push(`${record.id} binds a missing shape`)
    }
  }
  const meta = doc.getMap('meta').get('schema')
  if (meta !== undefined && (typeof meta !== 'object' || meta === null)) problems.push('meta.schema is not a schema')
  for (const key of doc.share.keys()) if (!['records', 'meta', 'threads', TEXTS_MAP].includes(key)) problems.push(`unknown root "${key}"`)
  // Shared texts: plain Y.Text of plain characters under the key of a shape's text field.
  for (const [key, text] of doc.getMap<unknown>(TEXTS_MAP)) {
    const parsed = parseSharedTextKey(key)
    if (!parsed || sharedTextFieldLimit(parsed.field) === null) problems.push(`texts holds "${key}"`)
    if (!(text instanceof Y.Text) || text.constructor !== Y.Text) {
      problems.push(`texts.${key} is not a Y.Text`)
      continue
    }
    if (text.toDelta().some((op: { insert?: unknown; attributes?: unknown }) => typeof op.insert !== 'string' || op.attributes !== undefined)) problems.push(`texts.${key} holds more than plain text`)
    if (text._map.size > 0) problems.push(`texts.${key} holds keyed entries`)
  }
  return problems
}

/** Every shared text of a board as plain strings, keyed as in `texts`. */
export function allTexts(doc: Y.Doc): Record<string, string> {
  return Object.fromEntries([...getTexts(doc).entries()].map(([key, text]) => [key, String(text)]).sort(([a], [b]) => (a! < b! ? -1 : 1)))
}

/** Whether any copy integrated anything written by Yjs client `clientId` (a refused update's author). */
export function holdsWritesOf(doc: Y.Doc, clientId: number): boolean {
  return Y.decodeStateVector(Y.encodeStateVector(doc)).has(clientId)
}
