import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { readSyncMessageAsReceived } from '@montage/board'

/** Which wire dialect: y-websocket (ours) or Hocuspocus's (document name before every message, auth first). */
export type TDialect = 'y-websocket' | 'hocuspocus'

const SYNC = 0
const SYNC_REPLY = 4 // Hocuspocus answers a sync step 1 with this type

/**
 * A minimal sync client, the same code against both servers so only the servers differ: it
 * keeps a Y.Doc in step with the server and sends each local transaction as one update.
 */
export class BenchClient {
  readonly doc = new Y.Doc()
  readonly ws: WebSocket
  synced: Promise<void>
  /** When the sync step 2 (the board) arrived, before this client applied it (performance.now()). */
  stateReceivedAt = NaN
  private resolveSynced!: () => void

  constructor(
    url: string,
    private readonly dialect: TDialect,
    private readonly documentName: string,
    token = '',
  ) {
    this.synced = new Promise((r) => (this.resolveSynced = r))
    this.ws = new WebSocket(url)
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('error', () => {})
    this.ws.on('open', () => {
      if (dialect === 'hocuspocus') {
        this.send((e) => {
          encoding.writeVarUint(e, 2) // auth
          encoding.writeVarUint(e, 0) // token
          encoding.writeVarString(e, token)
        })
      }
      this.send((e) => {
        encoding.writeVarUint(e, SYNC)
        syncProtocol.writeSyncStep1(e, this.doc)
      })
    })
    this.ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return
      this.send((e) => {
        encoding.writeVarUint(e, SYNC)
        syncProtocol.writeUpdate(e, update)
      })
    })
  }

  private send(write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    const e = encoding.createEncoder()
    if (this.dialect === 'hocuspocus') encoding.writeVarString(e, this.documentName)
    write(e)
    this.ws.send(encoding.toUint8Array(e))
  }

  private onMessage(frame: Uint8Array): void {
    const d = decoding.createDecoder(frame)
    if (this.dialect === 'hocuspocus') decoding.readVarString(d)
    const type = decoding.readVarUint(d)
    if (type !== SYNC && type !== SYNC_REPLY) return
    if (Number.isNaN(this.stateReceivedAt) && decoding.peekVarUint(d) === syncProtocol.messageYjsSyncStep2) this.stateReceivedAt = performance.now()
    const reply = encoding.createEncoder()
    // As the browser's provider reads them (`applyServerUpdatesAsReceived` in web/lib/client).
    const subType = readSyncMessageAsReceived(d, reply, this.doc, this)
    if (subType === syncProtocol.messageYjsSyncStep2) this.resolveSynced()
    if (encoding.length(reply) > 0) {
      this.send((e) => {
        encoding.writeVarUint(e, SYNC)
        encoding.writeUint8Array(e, encoding.toUint8Array(reply))
      })
    }
  }

  close(): void {
    this.ws.terminate()
    this.doc.destroy()
  }
}
