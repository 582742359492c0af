import { describe, expect, it } from 'vitest'
import { ConcurrencyGate } from '../lib/server/downloads/concurrency-gate'

describe('ConcurrencyGate', () => {
  it('runs at most its limit at once, the rest in arrival order, and frees a slot when a run fails', async () => {
    const gate = new ConcurrencyGate(2)
    let running = 0
    let most = 0
    const order: number[] = []
    const releases: (() => void)[] = []
    const job = (i: number) =>
      gate.run(async () => {
        running++
        most = Math.max(most, running)
        order.push(i)
        await new Promise<void>((r) => releases.push(r))
        running--
        if (i === 1) throw new Error('boom')
        return i
      })
    const runs = [1, 2, 3, 4, 5].map(job)
    const settled = Promise.allSettled(runs)
    for (let done = 0; done < 5; done++) {
      await expect.poll(() => releases.length).toBeGreaterThan(done)
      expect(running).toBeLessThanOrEqual(2)
      releases[done]!()
    }
    const results = await settled
    expect(most).toBe(2)
    expect(order).toEqual([1, 2, 3, 4, 5])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
  })
})
