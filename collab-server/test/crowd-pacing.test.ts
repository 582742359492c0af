import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, readRecords, setCursor, shapeRecord, startServer, waitFor, type TestEnv } from './helpers'
import { openRaw, step1 } from './raw-client'

let env: TestEnv
beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A generous interval: a loaded machine only makes the paced sends later, never earlier. */
const INTERVAL_MS = 400

/** A bare client that notes when each update message arrives and keeps a copy of the board. */
async function openWatcher(port: number, boardId: string, token: string) {
  const watcher = await openRaw(port, boardId, token)
  const arrivals: number[] = []
  const presenceArrivals: number[] = []
  const copy = new Y.Doc()
  watcher.ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data))
    const kind = decoding.readVarUint(d)
    if (kind === 1) presenceArrivals.push(performance.now())
    if (kind !== 0) return
    const type = decoding.readVarUint(d)
    if (type !== 1 && type !== 2) return
    Y.applyUpdate(copy, decoding.readVarUint8Array(d))
    if (type === 2) arrivals.push(performance.now())
  })
  watcher.ws.send(step1(new Uint8Array([0])))
  await waitFor(() => watcher.answers.length > 0)
  return { arrivals, presenceArrivals, copy, shapes: () => Object.keys(readRecords(copy)).sort(), close: () => watcher.ws.close() }
}

/** Five edits 10 ms apart, after a quiet moment (the first edit is the first update in an interval). */
async function makeFiveEdits(editor: Awaited<ReturnType<typeof openProvider>>): Promise<void> {
  await sleep(INTERVAL_MS + 50)
  const records = getRecords(editor.doc)
  for (let i = 0; i < 5; i++) {
    records.set(`shape:e${i}`, shapeRecord(`shape:e${i}`, { x: i * 100 }))
    await sleep(10)
  }
}

/** Arrival times in ms after the first. */
const fromFirst = (arrivals: number[]) => arrivals.map((t) => t - arrivals[0]!)

/**
 * One editor (a y-websocket provider) makes five edits 10 ms apart, on a board paced from
 * `crowdConnections` connections on; a bare watcher notes when each update message arrives.
 * Returns the arrival times (ms after the first) and what the watcher's copy of the board then holds.
 */
async function fiveEdits(crowdConnections: number): Promise<{ arrivals: number[]; shapes: string[] }> {
  const { port } = await startServer(env, { crowd: { connections: crowdConnections, updateIntervalMs: INTERVAL_MS } })
  const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
  const editor = await openProvider(env, port, boardId, owner.token)
  const watcher = await openWatcher(port, boardId, members[0]!.token)
  await makeFiveEdits(editor)
  await waitFor(() => watcher.shapes().length === 5)
  watcher.close()
  return { arrivals: fromFirst(watcher.arrivals), shapes: watcher.shapes() }
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

  it("relays to the board's other instances at the end of the turn: only the sockets wait for the interval", async () => {
    // Instance A paces from two connections on; instance B holds the same board, unpaced. No
    // anti-entropy tick comes during the edits (its answers are not paced, and would bring B what
    // the relay held back).
    const a = await startServer(env, { crowd: { connections: 2, updateIntervalMs: INTERVAL_MS }, antiEntropyMs: 10_000 })
    const b = await startServer(env, { antiEntropyMs: 10_000 })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const editor = await openProvider(env, a.port, boardId, owner.token)
    const near = await openWatcher(a.port, boardId, members[0]!.token)
    const far = await openWatcher(b.port, boardId, members[1]!.token)
    // The instances have heard from each other once an edit made on A reached B.
    getRecords(editor.doc).set('shape:hello', shapeRecord('shape:hello'))
    await waitFor(() => far.shapes().includes('shape:hello'))
    near.arrivals.length = 0
    far.arrivals.length = 0
    await makeFiveEdits(editor)
    await waitFor(() => far.shapes().length === 6 && near.shapes().length === 6)
    near.close()
    far.close()
    const [nearArrivals, farArrivals] = [fromFirst(near.arrivals), fromFirst(far.arrivals)]
    // On A, the four later edits still waited for the interval.
    expect(nearArrivals).toHaveLength(5)
    expect(nearArrivals[1]).toBeGreaterThanOrEqual(INTERVAL_MS - 60)
    // On B, every edit arrived about as it was made (10 ms apart), long before A's interval, each
    // in its own message.
    expect(farArrivals.at(-1)).toBeLessThan(INTERVAL_MS - 100)
    expect(farArrivals).toHaveLength(5)
  })

  it('sends an update waiting for its interval with the presence that goes out meanwhile, in one write', async () => {
    const { port } = await startServer(env, { crowd: { connections: 2, updateIntervalMs: INTERVAL_MS } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const editor = await openProvider(env, port, boardId, owner.token)
    const watcher = await openWatcher(port, boardId, members[0]!.token)
    await sleep(INTERVAL_MS + 50)
    const records = getRecords(editor.doc)
    records.set('shape:e0', shapeRecord('shape:e0'))
    await waitFor(() => watcher.arrivals.length === 1)
    // The next edit waits for the interval; a cursor move a moment later goes out at once, and
    // takes the edit with it.
    records.set('shape:e1', shapeRecord('shape:e1', { x: 100 }))
    await sleep(30)
    const moved = watcher.presenceArrivals.length
    setCursor(editor, 5, 5)
    await waitFor(() => watcher.arrivals.length === 2 && watcher.presenceArrivals.length > moved)
    watcher.close()
    const [first, second] = watcher.arrivals as [number, number]
    const cursor = watcher.presenceArrivals.at(-1)!
    expect(second - first).toBeLessThan(INTERVAL_MS - 100)
    // In the same read of the socket as the presence frame.
    expect(Math.abs(cursor - second)).toBeLessThan(5)
    expect(watcher.shapes()).toEqual(['shape:e0', 'shape:e1'])
  })
})
