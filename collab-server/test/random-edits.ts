import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { getRecords } from '@montage/board'
import { readRecords, shapeRecord } from './helpers'

/** Small seeded generator (mulberry32): a failing seed replays the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Sends `to` what `from` has and it lacks, marked 'sync' (histories keep only each person's own updates). */
export function syncDocs(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'sync')
}

/** `count` merged runs of consecutive updates (each of 1 to `longest`, starting anywhere): they carry skips and several clients at once. */
export function mergedRuns(updates: Uint8Array[], random: () => number, count: number, longest: number): Uint8Array[] {
  const merged: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const from = Math.floor(random() * updates.length)
    merged.push(Y.mergeUpdates(updates.slice(from, from + 1 + Math.floor(random() * longest))))
  }
  return merged
}

/** One simulated person: a document, its records view, and a provider it can drop and reopen. */
export class EditingClient {
  readonly doc = new Y.Doc()
  /** One YKeyValue per document: each instance observes the array and dedupes keys. */
  readonly records = getRecords(this.doc)
  provider: WebsocketProvider
  private serverIndex: number

  constructor(
    private readonly ports: number[],
    serverIndex: number,
    private readonly boardId: string,
    private readonly token: string,
  ) {
    this.serverIndex = serverIndex
    this.provider = this.open()
  }

  private open(): WebsocketProvider {
    return new WebsocketProvider(`ws://127.0.0.1:${this.ports[this.serverIndex]}/boards`, this.boardId, this.doc, {
      params: { token: this.token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 400,
    })
  }

  get online(): boolean {
    return this.provider.shouldConnect
  }

  /** Goes offline on purpose (edits keep piling up locally). */
  disconnect(): void {
    this.provider.disconnect()
  }

  /** Back online, possibly through the other server instance. */
  reconnect(serverIndex = this.serverIndex): void {
    if (serverIndex !== this.serverIndex) {
      this.provider.destroy()
      this.serverIndex = serverIndex
      this.provider = this.open()
    } else {
      this.provider.connect()
    }
  }

  /** The network drops the socket under the provider; it reconnects by itself. */
  dropSocket(): void {
    ;(this.provider.ws as unknown as WebSocket | null)?.terminate?.()
  }

  snapshot(): string {
    return canonical(readRecords(this.doc))
  }

  destroy(): void {
    this.provider.destroy()
    this.doc.destroy()
  }
}

export function canonical(records: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(records).sort().map((k) => [k, records[k]]))
}

/** One random step: mostly shape creates, updates and deletes; sometimes network trouble. */
export function randomStep(rand: () => number, clients: EditingClient[], step: number, serverCount: number): void {
  const client = clients[Math.floor(rand() * clients.length)]!
  const roll = rand()
  // Shapes only: the document and its page are not a person's to delete.
  const ids = [...client.records.map.keys()].filter((id) => id.startsWith('shape:'))
  if (roll < 0.35 || ids.length === 0) {
    const id = `shape:s${step}-${Math.floor(rand() * 1e6)}`
    client.records.set(id, shapeRecord(id, { x: Math.floor(rand() * 1000), y: Math.floor(rand() * 1000) }))
  } else if (roll < 0.75) {
    const id = ids[Math.floor(rand() * ids.length)]!
    const prev = client.records.get(id)!
    client.records.set(id, { ...prev, x: Math.floor(rand() * 1000), rotation: rand() } as typeof prev)
  } else if (roll < 0.88) {
    client.records.delete(ids[Math.floor(rand() * ids.length)]!)
  } else if (roll < 0.93) {
    if (client.online) client.disconnect()
    else client.reconnect(Math.floor(rand() * serverCount))
  } else if (roll < 0.96) {
    client.dropSocket()
  } else if (!client.online) {
    client.reconnect()
  }
}
