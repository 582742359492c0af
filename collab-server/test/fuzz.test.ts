import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { decodeClientMessage } from '../src/decode-client-message'
import { hasMissingDependencies } from '../src/missing-dependencies'
import { closeTestEnv, createBoardWithMembers, cursorOf, openProvider, openTestEnv, readRecords, setCursor, shapeRecord, startServer, storedRecords, type TestEnv, waitFor } from './helpers'
import { canonical, seededRandom } from './random-edits'

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 3000)

let env: TestEnv
let port: number

beforeAll(async () => {
  env = await openTestEnv()
  port = (await startServer(env)).port
})
afterAll(() => closeTestEnv(env))

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

/** Valid frames of every kind the protocol has, as seeds for mutation. */
function corpus(board: Y.Doc): Uint8Array[] {
  const attacker = new Y.Doc()
  Y.applyUpdate(attacker, Y.encodeStateAsUpdate(board))
  const before = Y.encodeStateVector(attacker)
  const kv = getRecords(attacker)
  kv.set('shape:fuzz-new', shapeRecord('shape:fuzz-new', { x: 5 }))
  const [someId] = [...kv.map.keys()].filter((k) => k !== 'shape:fuzz-new')
  if (someId) kv.delete(someId)
  const update = Y.encodeStateAsUpdate(attacker, before)
  const awareness = new awarenessProtocol.Awareness(attacker)
  awareness.setLocalState({ user: { id: 'u', name: 'Fuzz', color: '#f00' }, presence: { cursor: { x: 1, y: 2 } } })
  const aw = awarenessProtocol.encodeAwarenessUpdate(awareness, [attacker.clientID])
  awareness.destroy()
  return [
    frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, Y.encodeStateVector(board)))),
    frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, update))),
    frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, update))),
    frame((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, aw))),
    frame((e) => encoding.writeVarUint(e, 3)),
  ]
}

function mutate(rand: () => number, seed: Uint8Array): Uint8Array {
  const bytes = [...seed]
  const n = 1 + Math.floor(rand() * 4)
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * Math.max(1, bytes.length))
    const op = rand()
    if (op < 0.3) bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(rand() * 8))
    else if (op < 0.5) bytes[at] = Math.floor(rand() * 256)
    else if (op < 0.6) bytes.splice(at, Math.floor(rand() * 8))
    else if (op < 0.7) bytes.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 256)))
    else if (op < 0.8) bytes.length = at
    else if (op < 0.9) bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(rand() * 16)))
    else bytes.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x0f) // a huge varuint length or count
  }
  return new Uint8Array(bytes)
}

/**
 * The oracle: a mutation that happens to be a complete, well-formed edit of the board is not
 * malformed (an editor may make it) and is not sent. Everything else must change nothing.
 */
function isValidEdit(board: Y.Doc, bytes: Uint8Array): boolean {
  let message
  try {
    message = decodeClientMessage(bytes)
  } catch {
    return false
  }
  if (message.type !== 'sync-update' && message.type !== 'sync-step2') return false
  const clone = new Y.Doc()
  Y.applyUpdate(clone, Y.encodeStateAsUpdate(board))
  try {
    if (hasMissingDependencies(clone, message.update)) return false
    const before = Y.encodeStateAsUpdate(clone)
    Y.applyUpdate(clone, message.update)
    return Buffer.compare(Buffer.from(before), Buffer.from(Y.encodeStateAsUpdate(clone))) !== 0
  } catch {
    return false
  } finally {
    clone.destroy()
  }
}

async function openRaw(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  ws.on('error', () => {})
  await new Promise((resolve, reject) => ws.once('open', resolve).once('close', reject))
  return ws
}

describe('malformed input', () => {
  it(`${FRAMES} random and mutated frames: the server stays up, other clients are unaffected, the board is unchanged`, { timeout: Math.max(150_000, FRAMES * 25) }, async () => {
    const rand = seededRandom(7)
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const a = await openProvider(env, port, boardId, owner.token)
    const b = await openProvider(env, port, boardId, members[0]!.token)
    const kv = getRecords(a.doc)
    for (let i = 0; i < 5; i++) kv.set(`shape:base${i}`, shapeRecord(`shape:base${i}`, { x: i }))
    setCursor(a, 3, 4)
    await waitFor(() => Object.keys(readRecords(b.doc)).length === 5)
    await waitFor(async () => Object.keys(await storedRecords(env.db, boardId)).length === 5)
    const boardBefore = canonical(readRecords(a.doc))
    const stateBefore = Y.encodeStateAsUpdate(a.doc)
    const seeds = corpus(a.doc)

    const url = `ws://127.0.0.1:${port}/boards/${boardId}?token=${members[1]!.token}`
    const closeCodes = new Map<number, number>()
    let skipped = 0
    let ws = await openRaw(url)
    for (let i = 0; i < FRAMES; i++) {
      const bytes =
        rand() < 0.15
          ? new Uint8Array(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)))
          : mutate(rand, seeds[Math.floor(rand() * seeds.length)]!)
      if (isValidEdit(a.doc, bytes)) {
        skipped++
        continue
      }
      if (ws.readyState !== WebSocket.OPEN) {
        ws = await openRaw(url)
      }
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
      ws.send(bytes)
      // Most frames close the connection; give the server a moment to say so before the next one.
      const code = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 5))])
      if (code !== null) closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1)
    }
    ws.terminate()

    // Only our codes: malformed (4400), never a crash (1006 from a dead server) or 1011.
    expect([...closeCodes.keys()].every((c) => c === 4400)).toBe(true)
    expect(closeCodes.get(4400) ?? 0).toBeGreaterThan(FRAMES / 4)
    expect(skipped).toBeLessThan(FRAMES / 10)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

    // The others never noticed: still connected, still syncing, same presence.
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
    expect(cursorOf(b.provider, a.doc.clientID)).toEqual({ x: 3, y: 4 })
    expect(canonical(readRecords(a.doc))).toBe(boardBefore)
    expect(canonical(readRecords(b.doc))).toBe(boardBefore)
    expect(Buffer.from(Y.encodeStateAsUpdate(a.doc)).equals(Buffer.from(stateBefore))).toBe(true)
    expect(canonical(await storedRecords(env.db, boardId))).toBe(boardBefore)

    kv.set('shape:after-fuzz', shapeRecord('shape:after-fuzz'))
    await waitFor(() => readRecords(b.doc)['shape:after-fuzz'] !== undefined)
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:after-fuzz'] !== undefined)
    console.log(`fuzz: ${FRAMES} frames, ${skipped} valid edits skipped, closes ${JSON.stringify(Object.fromEntries(closeCodes))}`)
  })
})
