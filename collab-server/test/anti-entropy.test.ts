import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BoardRelay } from '../src/BoardRelay'
import { BoardRoom } from '../src/BoardRoom'
import { BoardRooms } from '../src/BoardRooms'
import { closeTestEnv, createBoardWithMembers, openTestEnv, quietLogger, type TestEnv } from './helpers'

let env: TestEnv
beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

describe('anti-entropy ticks of an instance with many boards open', () => {
  it('announce every board once per interval, a tenth of them at a time rather than all in one turn', async () => {
    const intervalMs = 500
    const rooms = new BoardRooms({ db: env.db, logger: quietLogger(), relay: new BoardRelay(env.nats, quietLogger()), antiEntropyMs: intervalMs, lingerMs: 0, persistence: { debounceMs: 20, maxDebounceMs: 200 } })
    const boards = await Promise.all(Array.from({ length: 30 }, () => createBoardWithMembers(env)))
    const open = await Promise.all(boards.map((b) => rooms.acquire(b.boardId)))
    for (const room of open) room.warm()

    const announced: { boardId: string; at: number }[] = []
    const spy = vi.spyOn(BoardRoom.prototype, 'announceState').mockImplementation(function (this: BoardRoom) {
      announced.push({ boardId: this.boardId, at: performance.now() })
    })
    try {
      await new Promise((r) => setTimeout(r, intervalMs * 2 + 100))
    } finally {
      spy.mockRestore()
    }
    // Every board, twice in two intervals.
    const perBoard = new Map<string, number>()
    for (const a of announced) perBoard.set(a.boardId, (perBoard.get(a.boardId) ?? 0) + 1)
    expect(perBoard.size).toBe(30)
    for (const count of perBoard.values()) expect(count).toBeGreaterThanOrEqual(2)
    // Announcements of one tick run in one turn; ticks are a tenth of the interval apart.
    const turns: number[] = []
    let last = -Infinity
    for (const a of announced) {
      if (a.at - last > intervalMs / 20) turns.push(0)
      turns[turns.length - 1]!++
      last = a.at
    }
    expect(Math.max(...turns)).toBeLessThanOrEqual(3)
    for (const room of open) room.release()
    await rooms.closeAll()
  })
})
