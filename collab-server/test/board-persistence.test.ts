import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { BoardPersistence } from '../src/BoardPersistence'
import type { BoardUpdateWriter } from '../src/BoardUpdateWriter'

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never

/** One small update per call, from one document: each a real change. */
function updates(): () => Uint8Array {
  const doc = new Y.Doc()
  let n = 0
  return () => {
    let update: Uint8Array | null = null
    doc.once('update', (u: Uint8Array) => (update = u))
    doc.getMap('m').set('k', ++n)
    return update!
  }
}

/** A persistence whose stores are recorded (when, and how many updates each held) instead of written. */
function recorded(persistence: { debounceMs: number; maxDebounceMs: number }) {
  const stores: { at: number; bytes: number }[] = []
  const writer = { append: async (_boardId: string, update: Uint8Array) => void stores.push({ at: Date.now(), bytes: update.byteLength }) } as unknown as BoardUpdateWriter
  const storage = new BoardPersistence({ boardId: 'b', db: null as never, logger: quiet, persistence: { ...persistence, compactAfterRows: 1_000 }, writer, onStored: () => {} })
  return { storage, stores }
}

describe('board persistence debounce', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('stores after a quiet time, and a board edited without pause at least every maxDebounceMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const next = updates()
    const { storage, stores } = recorded({ debounceMs: 50, maxDebounceMs: 200 })
    const t0 = Date.now()
    storage.enqueue([next()])
    await vi.advanceTimersByTimeAsync(49)
    expect(stores).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(stores.map((s) => s.at - t0)).toEqual([50])

    // A second update 30 ms after a first moves the store to 50 ms after the second.
    const t1 = Date.now()
    storage.enqueue([next()])
    await vi.advanceTimersByTimeAsync(30)
    storage.enqueue([next()])
    await vi.advanceTimersByTimeAsync(49)
    expect(stores).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(stores.map((s) => s.at - t1)).toEqual([t0 - t1 + 50, 80])

    // An update every 20 ms for a second: never quiet for 50 ms, so stored every 200 ms.
    const t2 = Date.now()
    for (let i = 0; i < 50; i++) {
      storage.enqueue([next()])
      await vi.advanceTimersByTimeAsync(20)
    }
    await vi.advanceTimersByTimeAsync(100)
    expect(stores.slice(2).map((s) => s.at - t2)).toEqual([200, 400, 600, 800, 1000])
    storage.destroy()
  })

  it('stores at once when asked, and stores nothing more once destroyed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const next = updates()
    const { storage, stores } = recorded({ debounceMs: 50, maxDebounceMs: 200 })
    storage.enqueue([next(), next()])
    await storage.flush()
    expect(stores).toHaveLength(1)
    expect(storage.isSettled()).toBe(true)
    storage.enqueue([next()])
    storage.destroy()
    await vi.advanceTimersByTimeAsync(500)
    expect(stores).toHaveLength(1)
    // What was pending is still written by a flush (shutdown flushes after destroying).
    await storage.flush()
    expect(stores).toHaveLength(2)
  })
})
