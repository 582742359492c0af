import { describe, expect, it } from 'vitest'
import { ChunkAssembler } from '../src/ChunkAssembler'

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)

describe('ChunkAssembler (relay messages over NATS in chunks)', () => {
  it('joins the chunks of a message in any order, and keeps messages of different senders apart', () => {
    const a = new ChunkAssembler({ maxPendingBytes: 1_000, timeoutMs: 10_000, maxChunks: 10 })
    expect(a.add('x 1', 1, 3, bytes(2, 2), 0)).toBeNull()
    expect(a.add('y 1', 0, 2, bytes(1, 9), 0)).toBeNull()
    expect(a.add('x 1', 0, 3, bytes(2, 1), 0)).toBeNull()
    expect(a.add('x 1', 2, 3, bytes(1, 3), 0)).toEqual(new Uint8Array([1, 1, 2, 2, 3]))
    expect(a.add('y 1', 1, 2, bytes(1, 8), 0)).toEqual(new Uint8Array([9, 8]))
    expect(a.bytes).toBe(0)
  })

  it('never holds more than its bound: the oldest partial messages go first', () => {
    const a = new ChunkAssembler({ maxPendingBytes: 100, timeoutMs: 10_000, maxChunks: 10 })
    for (let m = 0; m < 20; m++) {
      a.add(`flood ${m}`, 0, 2, bytes(40, m), 0)
      expect(a.bytes).toBeLessThanOrEqual(100)
    }
    // The two newest survive and still complete; an early one was dropped.
    expect(a.add('flood 19', 1, 2, bytes(1, 0), 0)).not.toBeNull()
    expect(a.add('flood 0', 1, 2, bytes(1, 0), 0)).toBeNull()
  })

  it('drops a message larger than the bound, a forged chunk count, a repeated chunk, and a partial that timed out', () => {
    const a = new ChunkAssembler({ maxPendingBytes: 100, timeoutMs: 1_000, maxChunks: 4 })
    expect(a.add('big', 0, 3, bytes(60, 1), 0)).toBeNull()
    expect(a.add('big', 1, 3, bytes(60, 1), 0)).toBeNull()
    expect(a.add('big', 2, 3, bytes(1, 1), 0)).toBeNull()
    expect(a.add('forged', 0, 1_000_000, bytes(1, 1), 0)).toBeNull()
    expect(a.add('bad', 5, 2, bytes(1, 1), 0)).toBeNull()
    expect(a.add('twice', 0, 2, bytes(1, 1), 0)).toBeNull()
    expect(a.add('twice', 0, 2, bytes(1, 1), 0)).toBeNull()
    expect(a.add('slow', 0, 2, bytes(10, 1), 0)).toBeNull()
    expect(a.add('slow', 1, 2, bytes(10, 1), 5_000)).toBeNull()
    expect(a.bytes).toBe(10)
  })
})
