import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, readRecords, shapeRecord, startServer, waitFor, type TestEnv } from './helpers'
import { openRaw, step1 } from './raw-client'

let env: TestEnv
beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A generous interval: a loaded machine only makes the paced sends later, never earlier. */
const INTERVAL_MS = 400

/**
 * One editor (a y-websocket provider) makes five edits 10 ms apart, on a board paced from two
 * connections on; a bare watcher notes when each update message arrives. Returns the arrival times
 * (ms after the first) and what the watcher's copy of the board then holds.
 */
async function fiveEdits(crowdConnections: number): Promise<{ arrivals: number[]; shapes: string[] }> {
  const { port } = await startServer(env, { crowd: { connections: crowdConnections, updateIntervalMs: INTERVAL_MS } })
  const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
  const editor = await openProvider(env, port, boardId, owner.token)
  const watcher = await openRaw(port, boardId, members[0]!.token)
  const arrivals: number[] = []
  const copy = new Y.Doc()
  watcher.ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(d) !== 0) return
    const type = decoding.readVarUint(d)
    if (type !== 1 && type !== 2) return
    Y.applyUpdate(copy, decoding.readVarUint8Array(d))
    if (type === 2) arrivals.push(performance.now())
  })
  watcher.ws.send(step1(new Uint8Array([0])))
  await waitFor(() => watcher.answers.length > 0)
  // A quiet moment first: the first edit is the first update since the connections came.
  await sleep(INTERVAL_MS + 50)
  const records = getRecords(editor.doc)
  for (let i = 0; i < 5; i++) {
    records.set(`shape:e${i}`, shapeRecord(`shape:e${i}`, { x: i * 100 }))
    await sleep(10)
  }
  await waitFor(() => Object.keys(readRecords(copy)).length === 5)
  watcher.ws.close()
  return { arrivals: arrivals.map((t) => t - arrivals[0]!), shapes: Object.keys(readRecords(copy)).sort() }
}

describe('a crowded board paces its update sends', () => {
  it('sends the first edit at once and what follows within the interval together, every edit its own message', async () => {
    const { arrivals, shapes } = await fiveEdits(2)
    expect(shapes).toEqual(['shape:e0', 'shape:e1', 'shape:e2', 'shape:e3', 'shape:e4'])
    // Each edit its own update message, none lost or merged.
    expect(arrivals).toHaveLength(5)
    // The four later edits (sent 10 to 40 ms after the first) waited for the interval, and left in
    // one write: they arrive in the same read of the socket.
    expect(arrivals[1]).toBeGreaterThanOrEqual(INTERVAL_MS - 60)
    expect(arrivals[4]! - arrivals[1]!).toBeLessThan(5)
  })

  it('leaves a board under the crowd size unpaced: each edit goes out in the turn that brought it', async () => {
    const { arrivals, shapes } = await fiveEdits(3)
    expect(shapes).toHaveLength(5)
    expect(arrivals).toHaveLength(5)
    // Unpaced, the five arrive about as they were sent (10 ms apart), long before the interval.
    expect(arrivals[4]).toBeLessThan(INTERVAL_MS - 100)
  })
})
