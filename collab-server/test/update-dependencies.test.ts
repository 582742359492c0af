import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { HeldUpdates } from '../src/HeldUpdates'
import { hasMissingDependencies } from '../src/missing-dependencies'
import { mergedRuns, seededRandom, syncDocs } from './random-edits'

/** Three people editing a map, an array and a text, syncing now and then; every update each makes is kept. */
function editHistory(seed: number, steps: number): Uint8Array[] {
  const random = seededRandom(seed)
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
  const updates: Uint8Array[] = []
  for (const d of docs) d.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u))
  for (let step = 0; step < steps; step++) {
    const doc = docs[Math.floor(random() * docs.length)]!
    const op = random()
    const arr = doc.getArray<number>('a')
    const text = doc.getText('t')
    if (op < 0.3) doc.getMap('m').set(`k${Math.floor(random() * 8)}`, step)
    else if (op < 0.55) arr.insert(Math.floor(random() * (arr.length + 1)), [step, step + 1])
    else if (op < 0.7 && arr.length > 0) arr.delete(Math.floor(random() * arr.length), 1)
    else if (op < 0.85) text.insert(Math.floor(random() * (text.length + 1)), `w${step}`)
    else if (text.length > 1) text.delete(Math.floor(random() * (text.length - 1)), 1)
    if (random() < 0.2) {
      const [a, b] = [docs[Math.floor(random() * 3)]!, docs[Math.floor(random() * 3)]!]
      syncDocs(a, b)
    }
  }
  return [...updates, ...mergedRuns(updates, random, 10, 6)]
}

describe('held updates', () => {
  it('decide readiness exactly as hasMissingDependencies does, in any arrival order', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = seededRandom(seed * 7919)
      const updates = editHistory(seed, 60)
      const target = new Y.Doc()
      const waiting = [...updates].sort(() => random() - 0.5)
      let checks = 0
      for (let round = 0; round < 400 && waiting.length > 0; round++) {
        const i = Math.floor(random() * waiting.length)
        const update = waiting[i]!
        const held = new HeldUpdates()
        held.push(update)
        const missing = hasMissingDependencies(target, update)
        expect(held.takeReady(target) === null, `seed ${seed}, round ${round}`).toBe(missing)
        checks++
        if (!missing) {
          Y.applyUpdate(target, update)
          waiting.splice(i, 1)
        }
      }
      expect(checks).toBeGreaterThan(0)
    }
  })

  it('count their bytes, and hand back each update once its dependencies arrive', () => {
    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    for (let i = 0; i < 5; i++) source.getArray('a').insert(0, [i])
    const target = new Y.Doc()
    const held = new HeldUpdates()
    for (const u of updates.slice(1).reverse()) held.push(u)
    expect(held.bytes).toBe(updates.slice(1).reduce((n, u) => n + u.byteLength, 0))
    expect(held.takeReady(target)).toBeNull()
    Y.applyUpdate(target, updates[0]!)
    for (let u = held.takeReady(target); u; u = held.takeReady(target)) Y.applyUpdate(target, u.update)
    expect(held.length).toBe(0)
    expect(held.bytes).toBe(0)
    expect(target.getArray('a').toJSON()).toEqual(source.getArray('a').toJSON())
  })
})
