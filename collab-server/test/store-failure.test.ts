import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '@montage/db'
import { getRecords } from '@montage/board'
import { BoardRooms } from '../src/BoardRooms'
import { BoardUpdateWriter } from '../src/BoardUpdateWriter'
import { closeTestEnv, createBoardWithMembers, openTestEnv, quietLogger, shapeRecord, storedRecords, waitFor, type TestEnv } from './helpers'

let env: TestEnv

beforeAll(async () => {
  env = await openTestEnv()
})
afterAll(() => closeTestEnv(env))

/** The test database, except that its next `failures.left` appends fail as a lost connection would: a transaction (one board's) or a batch's statement. */
function flakyDb(db: Sql, failures: { left: number }): Sql {
  const lost = () => {
    failures.left--
    return Promise.reject(new Error('connection lost'))
  }
  return new Proxy(db, {
    // One board's append runs in a transaction (as does what else the rooms write)...
    get(target, prop) {
      if (prop === 'begin' && failures.left > 0) return lost
      return Reflect.get(target, prop, target)
    },
    // ...a batch of boards' appends in one statement.
    apply(target, thisArg, args: unknown[]) {
      const text = Array.isArray(args[0]) ? (args[0] as string[]).join('') : ''
      if (failures.left > 0 && text.includes('INSERT INTO board_updates')) return lost()
      return Reflect.apply(target, thisArg, args)
    },
  })
}

describe('store failures', () => {
  it('keeps the pending update and the room until a retry stores it', async () => {
    const { boardId } = await createBoardWithMembers(env)
    const failures = { left: 2 }
    const logger = quietLogger()
    const rooms = new BoardRooms({ db: flakyDb(env.db, failures), logger, persistence: { debounceMs: 20, maxDebounceMs: 200 }, lingerMs: 0 })

    const room = await rooms.acquire(boardId)
    getRecords(room.doc).set('shape:kept', shapeRecord('shape:kept'))
    await expect(room.flush()).rejects.toThrow(/connection lost/)
    room.release()
    expect(rooms.has(boardId)).toBe(true)
    expect(room.isUnloadable()).toBe(false)

    await waitFor(() => !rooms.has(boardId))
    expect(failures.left).toBe(0)
    expect(await storedRecords(env.db, boardId)).toHaveProperty('shape:kept')
    expect(logger.lines.filter((l) => l.startsWith('error storing board update failed'))).toHaveLength(2)
    await rooms.closeAll()
  })

  it('a failed group commit fails every board in it, and each retries until stored', async () => {
    const boards = await Promise.all([1, 2, 3].map(() => createBoardWithMembers(env)))
    const failures = { left: 1 }
    const db = flakyDb(env.db, failures)
    const rooms = new BoardRooms({ db, logger: quietLogger(), persistence: { debounceMs: 20, maxDebounceMs: 200 }, lingerMs: 0, writer: new BoardUpdateWriter(db) })
    const acquired = await Promise.all(boards.map((b) => rooms.acquire(b.boardId)))
    acquired.forEach((room, i) => getRecords(room.doc).set(`shape:b${i}`, shapeRecord(`shape:b${i}`)))
    const results = await Promise.allSettled(acquired.map((room) => room.flush()))
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    acquired.forEach((room) => room.release())
    await waitFor(() => boards.every((b) => !rooms.has(b.boardId)))
    for (const [i, b] of boards.entries()) expect(await storedRecords(env.db, b.boardId)).toHaveProperty(`shape:b${i}`)
    await rooms.closeAll()
  })
})
