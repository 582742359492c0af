import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { presenceState } from '@montage/board/testing'
import { closeTestEnv, createBoardWithMembers, openTestEnv, quietLogger, startServer, waitFor, type TestEnv } from './helpers'
import { openRaw, presence, presenceIn, step1 } from './raw-client'

let env: TestEnv
beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The cursors an awareness frame carries, by client id. */
function cursorsIn(frame: Uint8Array): Map<number, { x: number; y: number }> {
  const out = new Map<number, { x: number; y: number }>()
  for (const [id, json] of presenceIn(frame)) {
    const state = JSON.parse(json) as { presence?: { cursor?: { x: number; y: number } } } | null
    if (state?.presence?.cursor) out.set(id, state.presence.cursor)
  }
  return out
}

describe('presence frames', () => {
  it('gathers a busy board’s cursor moves into a few frames, in order, the last showing where the cursor is', async () => {
    const { port } = await startServer(env, { logger: quietLogger() })
    const { boardId, owner, members } = await createBoardWithMembers(env, ['editor'])
    const mover = await openRaw(port, boardId, owner.token)
    const watcher = await openRaw(port, boardId, members[0]!.token)
    for (const c of [mover, watcher]) c.ws.send(step1(new Uint8Array([0])))
    await waitFor(() => mover.answers.length > 0 && watcher.answers.length > 0)
    const framesBefore = watcher.received.length

    // 40 moves, 2 ms apart: one each event-loop turn at the server.
    for (let i = 1; i <= 40; i++) {
      mover.ws.send(presence(777, i, presenceState(777, { x: i, y: 2 * i })))
      await sleep(2)
    }
    await waitFor(() => watcher.received.slice(framesBefore).some((f) => cursorsIn(f).get(777)?.x === 40))
    await sleep(100)
    const frames = watcher.received.slice(framesBefore).filter((f) => cursorsIn(f).has(777))
    // At most one frame per 20 ms (the moves took 80 ms or more): far fewer than the 40 moves.
    expect(frames.length).toBeLessThanOrEqual(12)
    expect(frames.length).toBeGreaterThanOrEqual(2)
    // The last frame shows the last position; positions only move forward.
    const xs = frames.map((f) => cursorsIn(f).get(777)!.x)
    expect(xs.at(-1)).toBe(40)
    expect([...xs].sort((a, b) => a - b)).toEqual(xs)
    for (const c of [mover, watcher]) c.ws.close()
  })
})
