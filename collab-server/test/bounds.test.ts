import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords } from '@montage/board'
import { presenceState } from '@montage/board/testing'
import type { CreateCollabServerOptions } from '../src'
import { closeTestEnv, connectAndAwaitClose, createBoardWithMembers, openProvider, openTestEnv, quietLogger, readRecords, startServer, storedRecords, waitFor, type TestEnv } from './helpers'
import { validShot } from './valid-records'
import { frame, openRaw, presence, step1 } from './raw-client'

let env: TestEnv

beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function serverWith(opts: Partial<CreateCollabServerOptions>) {
  const logger = quietLogger()
  const started = await startServer(env, { logger, ...opts })
  return { ...started, logger }
}

const syncUpdate = (update: Uint8Array) => frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, update)))
/** A state vector saying we have `clock` of `client`'s changes. */
const stateVectorOf = (client: number, clock: number) => frame((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint(e, client), encoding.writeVarUint(e, clock)))

describe('bounded resources per connection and per board', () => {
  // Bug: frames were queued for a client that never reads, without limit, until the server ran out of memory.
  it('disconnects a client that never reads once its queue passes the cap, while the others keep editing', async () => {
    const { port, server, logger } = await serverWith({ limits: { maxQueuedBytes: 256 * 1024 } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const a = await openProvider(env, port, boardId, owner.token)
    const b = await openProvider(env, port, boardId, members[0]!.token)
    const reader = await openRaw(port, boardId, members[1]!.token)
    reader.ws.pause()

    // A rewrites a long brief over and over: every edit (about 64 KB) goes to every connection.
    const kv = getRecords(a.doc)
    let edits = 0
    while (server.stats().slowReadersClosed === 0 && edits < 2_000) {
      kv.set('shape:brief', validShot('shape:brief', 0, `${edits} `.padEnd(64 * 1024, 'a lighthouse at dusk ')))
      edits++
      await sleep(2)
    }
    expect(server.stats().slowReadersClosed).toBe(1)
    expect(logger.lines.some((l) => l.includes('does not read'))).toBe(true)
    // The readers kept up: B has A's last edit, and an edit after the disconnect still reaches B and is stored.
    await waitFor(() => (readRecords(b.doc)['shape:brief'] as unknown as { props: { prompt: string } } | undefined)?.props.prompt.startsWith(`${edits - 1} `) === true)
    kv.set('shape:after', validShot('shape:after', 1))
    await waitFor(() => readRecords(b.doc)['shape:after'] !== undefined)
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:after'] !== undefined)
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
    // The reader finds its socket closed once it reads again.
    reader.ws.resume()
    await reader.closed
  })

  // Bug: every sync step 1 encoded the whole board again, so a flood of them cost a full encode each.
  it('shares one encoding among new clients, and a sync step 1 flood costs a bounded number of encodes', async () => {
    const limits = { perPerson: { perSecond: 2, burst: 3 }, perBoard: { perSecond: 4, burst: 4 } }
    const { port, server } = await serverWith({ limits: { syncAnswers: limits } })
    const { boardId, owner, members } = await createBoardWithMembers(env, Array.from({ length: 12 }, () => 'editor' as const))
    const a = await openProvider(env, port, boardId, owner.token)
    const kv = getRecords(a.doc)
    a.doc.transact(() => {
      for (let i = 0; i < 50; i++) kv.set(`shape:s${i}`, validShot(`shape:s${i}`, i))
    })
    await waitFor(async () => Object.keys(await storedRecords(env.db, boardId)).length === 50)

    // Ten newcomers ask at once from an empty state: one encoding answers all of them.
    const newcomers = await Promise.all(members.slice(0, 10).map((m) => openRaw(port, boardId, m.token)))
    const before = server.stats().stateEncodes
    for (const n of newcomers) n.ws.send(step1(new Uint8Array([0])))
    await waitFor(() => newcomers.every((n) => n.answers.length === 1))
    expect(server.stats().stateEncodes - before).toBe(1)
    for (const n of newcomers) n.ws.close()

    // Two clients each send 300 step 1s with made-up state vectors while A keeps editing (no answer can be shared).
    const flooders = [await openRaw(port, boardId, members[10]!.token), await openRaw(port, boardId, members[11]!.token)]
    const started = performance.now()
    const encodesBefore = server.stats().stateEncodes
    for (let i = 0; i < 300; i++) {
      for (const f of flooders) f.ws.send(step1(stateVectorOf(a.doc.clientID, i % 40)))
      if (i % 30 === 0) kv.set('shape:moving', validShot('shape:moving', i))
      await sleep(1)
    }
    // The last ask of each is an honest one, from nothing: it is answered with the whole board.
    for (const f of flooders) f.ws.send(step1(new Uint8Array([0])))
    await waitFor(
      () =>
        flooders.every((f) => {
          const doc = new Y.Doc()
          for (const u of f.answers) Y.applyUpdate(doc, u)
          return Object.keys(readRecords(doc)).length === 51
        }),
      { timeoutMs: 20_000 },
    )
    const seconds = (performance.now() - started) / 1000
    const encodes = server.stats().stateEncodes - encodesBefore
    // Without the limits: 602 encodes. With them: the board's burst plus its rate over the time taken.
    expect(encodes).toBeLessThanOrEqual(limits.perBoard.burst + limits.perBoard.perSecond * seconds + 1)
    for (const f of flooders) expect(f.answers.length).toBeLessThanOrEqual(limits.perPerson.burst + limits.perPerson.perSecond * seconds + 1)
    for (const f of flooders) f.ws.close()
  })

  // Bug: held updates were bounded only by count (256 of up to 10 MB each), and each was decoded again on every new frame.
  it('closes a connection whose held updates pass the byte cap; a held update whose dependency arrives still applies', async () => {
    const { port, server } = await serverWith({ limits: { maxHeldUpdates: 10_000, maxHeldBytes: 64 * 1024 } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor', 'editor'])
    const a = await openProvider(env, port, boardId, owner.token)

    const forger = new Y.Doc()
    const kv = getRecords(forger)
    kv.set('shape:seed', validShot('shape:seed', 0))
    const seed = Y.encodeStateAsUpdate(forger)
    const sv = Y.encodeStateVector(forger)
    kv.set('shape:big', validShot('shape:big', 1, 'a long brief '.repeat(1_200)))
    const dependent = Y.encodeStateAsUpdate(forger, sv)
    expect(dependent.byteLength).toBeGreaterThan(8 * 1024)

    // Honest: the dependent update first, then what it depends on; both apply.
    const honest = await openRaw(port, boardId, members[0]!.token)
    honest.ws.send(syncUpdate(dependent))
    honest.ws.send(syncUpdate(seed))
    await waitFor(() => readRecords(a.doc)['shape:big'] !== undefined)
    honest.ws.close()

    // The attack: updates that depend on changes never sent, piling up by bytes rather than count.
    const piler = new Y.Doc()
    const pkv = getRecords(piler)
    pkv.set('shape:never', validShot('shape:never', 2))
    const psv = Y.encodeStateVector(piler)
    pkv.set('shape:parked', validShot('shape:parked', 3, 'a long brief '.repeat(1_200)))
    const parked = Y.encodeStateAsUpdate(piler, psv)
    const attacker = await openRaw(port, boardId, members[1]!.token)
    for (let i = 0; i < 40; i++) attacker.ws.send(syncUpdate(parked))
    const { code, reason } = await attacker.closed
    expect(code).toBe(4400)
    expect(reason).toMatch(/never received/)
    expect(server.stats().heldBytesClosed).toBe(1)
    expect(readRecords(a.doc)['shape:parked']).toBeUndefined()
    a.doc.transact(() => getRecords(a.doc).set('shape:still', validShot('shape:still', 4)))
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:still'] !== undefined)
    expect(await storedRecords(env.db, boardId)).not.toHaveProperty('shape:parked')
  })

  // Bug: presence frames up to 10 MB were applied and echoed to every connection of the board.
  it('refuses an oversize presence entry (not applied, not echoed) and paces presence by bytes; small presence still flows', async () => {
    const { port, server } = await serverWith({ limits: { presence: { maxEntryBytes: 8 * 1024, rate: { perSecond: 16 * 1024, burst: 16 * 1024 } } } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const b = await openProvider(env, port, boardId, owner.token)
    const seen: unknown[] = []
    b.provider.awareness.on('change', () => seen.push(b.provider.awareness.getStates().get(424_242)))
    const attacker = await openRaw(port, boardId, members[0]!.token)

    attacker.ws.send(presence(424_242, 1, { user: { name: 'Big' }, blob: 'x'.repeat(100_000) }))
    attacker.ws.send(presence(424_242, 2, presenceState(424_242, { x: 1, y: 2 })))
    await waitFor(() => (b.provider.awareness.getStates().get(424_242) as { presence?: { cursor?: unknown } } | undefined)?.presence?.cursor !== undefined)
    expect(JSON.stringify(seen)).not.toContain('xxxx')
    expect(attacker.received.some((f) => new TextDecoder().decode(f).includes('xxxx'))).toBe(false)
    expect(attacker.ws.readyState).toBe(WebSocket.OPEN)
    const droppedBefore = server.stats().presenceDropped
    expect(droppedBefore).toBe(1)

    // 200 frames of about 1 KB at once: the burst (16 KB) and the rate let only some through.
    const started = performance.now()
    for (let clock = 3; clock < 203; clock++) attacker.ws.send(presence(424_242, clock, { ...presenceState(424_242, { x: clock, y: 0 }), pad: 'p'.repeat(1_000) }))
    // Frames are handled in order: once a sync step 1 sent after them is answered, all of them were.
    attacker.ws.send(step1(new Uint8Array([0])))
    await waitFor(() => attacker.answers.length === 1)
    const seconds = (performance.now() - started) / 1000
    const through = 200 - (server.stats().presenceDropped - droppedBefore)
    expect(through).toBeGreaterThan(0)
    expect(through).toBeLessThanOrEqual(16 + 16 * seconds + 2)
    attacker.ws.close()
  })

  // Bug: only frames were counted (400/s of up to 10 MiB each), so one client could make the server read gigabytes a second.
  it('closes a client over its inbound byte rate (1013), and reconnecting does not refill the allowance', async () => {
    const { port } = await serverWith({ limits: { inboundBytes: { perSecond: 4 * 1024, burst: 256 * 1024 } } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const a = await openProvider(env, port, boardId, owner.token)
    // A frame of a type the server does not serve: read, counted, ignored.
    const filler = frame((e) => (encoding.writeVarUint(e, 99), encoding.writeUint8Array(e, new Uint8Array(64 * 1024))))
    const heavy = await openRaw(port, boardId, members[0]!.token)
    for (let i = 0; i < 10; i++) heavy.ws.send(filler)
    expect(await heavy.closed).toEqual({ code: 1013, reason: 'Too much data: slow down and reconnect.' })
    const again = await openRaw(port, boardId, members[0]!.token)
    for (let i = 0; i < 3; i++) again.ws.send(filler)
    expect((await again.closed).code).toBe(1013)
    // Someone else on the board is not affected.
    a.doc.transact(() => getRecords(a.doc).set('shape:calm', validShot('shape:calm', 5)))
    await waitFor(async () => (await storedRecords(env.db, boardId))['shape:calm'] !== undefined)
    expect(a.provider.wsconnected).toBe(true)
  })

  // Bug: a client closed for flooding came straight back, and every reconnect cost an authorization, presence and a sync answer.
  it('makes a client closed for misbehaving wait before it reconnects, longer each time; others connect meanwhile', async () => {
    const { port } = await serverWith({ reconnectCooldownMs: 600, limits: { inboundBytes: { perSecond: 1024, burst: 64 * 1024 } } })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const filler = frame((e) => (encoding.writeVarUint(e, 99), encoding.writeUint8Array(e, new Uint8Array(32 * 1024))))
    const flood = async () => {
      const c = await openRaw(port, boardId, members[0]!.token)
      for (let i = 0; i < 4; i++) c.ws.send(filler)
      return c.closed
    }
    expect((await flood()).code).toBe(1013)
    const refusedAt = Date.now()
    const back = await connectAndAwaitClose(`ws://127.0.0.1:${port}/boards/${boardId}?token=${members[0]!.token}`)
    expect(back).toEqual({ code: 1013, reason: expect.stringMatching(/^Closed a moment ago for misbehaving: reconnect in 1 s\.$/) })
    // Someone else on the board is not kept waiting.
    const a = await openProvider(env, port, boardId, owner.token)
    expect(a.provider.synced).toBe(true)
    // Once the wait is over the same person connects (and is synced) again.
    await sleep(Math.max(0, 650 - (Date.now() - refusedAt)))
    const again = await openProvider(env, port, boardId, members[0]!.token)
    expect(again.provider.synced).toBe(true)
    again.provider.destroy()
    // A second offence within ten minutes waits twice as long: still refused after the first wait.
    expect((await flood()).code).toBe(1013)
    await sleep(700)
    expect((await connectAndAwaitClose(`ws://127.0.0.1:${port}/boards/${boardId}?token=${members[0]!.token}`)).code).toBe(1013)
    await sleep(600)
    const later = await openProvider(env, port, boardId, members[0]!.token)
    expect(later.provider.synced).toBe(true)
  })
})
