/**
 * Opens a board as newcomers' browsers do, in a process of its own (`openBoardInOwnProcess` in
 * `boards-load.ts` forks it): a fresh heap, as a new tab has. In the bench's own process, the
 * garbage of what it had just built (the 10,000-shape boards themselves) was collected on the
 * load's time.
 * - `one`: a client connects, syncs, reads the records as the canvas does, and reports when the
 *   board arrived and when it was ready.
 * - `crowd`: people connect at once, each asking for the whole board; it reports when each one's
 *   board arrived (their own applies would share this machine's two cores, where each person has
 *   a machine of their own).
 */
import WebSocket from 'ws'
import { getRecords } from '@montage/board'
import { BenchClient } from './BenchClient'

export type TBoardOpening = { kind: 'one'; url: string } | { kind: 'crowd'; urls: string[] }

export interface TBoardOpened {
  /** From the connect until each client had the board's bytes (before it applied them). */
  receivedMs: number[]
  /** `one`: from the connect until the client held the board's records. */
  syncedMs?: number
  /** `one`: how many records it held. */
  records?: number
}

async function openOne(url: string): Promise<TBoardOpened> {
  const started = performance.now()
  const client = new BenchClient(url, 'y-websocket', '')
  const records = getRecords(client.doc)
  await client.synced
  const opened = { syncedMs: performance.now() - started, receivedMs: [client.stateReceivedAt - started], records: records.size }
  client.close()
  return opened
}

async function openCrowd(urls: string[]): Promise<TBoardOpened> {
  const started = performance.now()
  const receivedMs = await Promise.all(
    urls.map((url) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false })
      ws.on('error', reject)
      ws.on('open', () => ws.send(new Uint8Array([0, 0, 1, 0]))) // sync step 1: an empty state vector
      ws.on('message', (data: Buffer) => {
        // sync (0), step 2 (1), with the board's bytes
        if (data[0] === 0 && data[1] === 1 && data.byteLength > 1_000_000) {
          resolve(performance.now() - started)
          ws.terminate()
        }
      })
    })),
  )
  return { receivedMs }
}

const opening = JSON.parse(process.argv[2]!) as TBoardOpening
const opened = opening.kind === 'one' ? await openOne(opening.url) : await openCrowd(opening.urls)
process.send!(opened, () => process.disconnect())
