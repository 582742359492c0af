import { describe, expect, it } from 'vitest'
import { GroupCommit } from '../src/GroupCommit'

/** A write that records its batches and finishes when told to. */
function recorder() {
  const batches: string[][] = []
  const finish: (() => void)[] = []
  let fail: Error | null = null
  const write = (items: string[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items)
      finish.push(() => (fail ? reject(fail) : resolve()))
    })
  return { batches, write, finishNext: () => finish.shift()?.(), failWith: (e: Error | null) => void (fail = e) }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('GroupCommit', () => {
  it('writes what is submitted in one turn as one batch, and what comes during a write as the next', async () => {
    const r = recorder()
    const commits = new GroupCommit<string>({ write: r.write, maxBatch: 10, minIntervalMs: 0 })
    const done = ['a', 'b', 'c'].map((x) => commits.submit(x))
    await tick()
    expect(r.batches).toEqual([['a', 'b', 'c']])
    const later = [commits.submit('d'), commits.submit('e')]
    r.finishNext()
    await Promise.all(done)
    await tick()
    expect(r.batches).toEqual([['a', 'b', 'c'], ['d', 'e']])
    r.finishNext()
    await Promise.all(later)
  })

  it('writes a key once per batch, with its latest item, and tells every submitter', async () => {
    const r = recorder()
    const commits = new GroupCommit<string>({ write: r.write, key: (x) => x.split('=')[0]!, maxBatch: 10, minIntervalMs: 0 })
    const done = [commits.submit('board1=old'), commits.submit('board2=x'), commits.submit('board1=new')]
    await tick()
    expect(r.batches).toEqual([['board1=new', 'board2=x']])
    r.finishNext()
    await expect(Promise.all(done)).resolves.toHaveLength(3)
  })

  it('splits a long queue into batches of at most maxBatch, in order', async () => {
    const written: string[][] = []
    const commits = new GroupCommit<string>({ write: async (items) => void written.push(items), maxBatch: 2, minIntervalMs: 0 })
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => commits.submit(x)))
    expect(written).toEqual([['a', 'b'], ['c', 'd'], ['e']])
  })

  it('fails only the batch whose write failed; the next one is written', async () => {
    const r = recorder()
    const commits = new GroupCommit<string>({ write: r.write, maxBatch: 10, minIntervalMs: 0 })
    const first = commits.submit('a')
    await tick()
    const second = commits.submit('b')
    r.failWith(new Error('database went away'))
    r.finishNext()
    await expect(first).rejects.toThrow('database went away')
    r.failWith(null)
    await tick()
    r.finishNext()
    await expect(second).resolves.toBeUndefined()
    expect(r.batches).toEqual([['a'], ['b']])
  })

  it('once several writers are busy, gathers what comes within the interval into one batch; a lone one is not held back', async () => {
    const written: string[][] = []
    const commits = new GroupCommit<string>({ write: async (items) => void written.push(items), maxBatch: 10, minIntervalMs: 200 })
    // One item at a time: each is written at once, in its own batch.
    for (const x of ['x', 'y']) {
      await commits.submit(x)
      await tick()
    }
    expect(written).toEqual([['x'], ['y']])
    await Promise.all([commits.submit('first'), commits.submit('second')])
    // Submitted over the next moments, one turn apart: the interval since the first batch is not over yet.
    const rest: Promise<void>[] = []
    for (const x of ['b', 'c', 'd']) {
      rest.push(commits.submit(x))
      await tick()
    }
    await Promise.all(rest)
    expect(written).toEqual([['x'], ['y'], ['first', 'second'], ['b', 'c', 'd']])
  })
})
