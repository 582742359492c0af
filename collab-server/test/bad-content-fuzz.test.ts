import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import { ensureSharedTexts, getMeta, getRecords, getTexts, getThreads, sharedTextKey } from '@montage/board'
import { geoShape, shotShape, TEST_PAGE_ID, variationShape } from '@montage/board/testing'
import { allRecords, allTexts, boardProblems, holdsWritesOf, openWatched, settle, storedDoc, upsertVariation, type TWatchedClient } from './attack-helpers'
import { closeTestEnv, createBoardWithMembers, openTestEnv, startServer, waitFor, type TestEnv, type TestUser } from './helpers'
import { canonical, seededRandom } from './random-edits'

/**
 * Well-formed Yjs updates with bad content, from editors and reviewers on either of two instances,
 * mixed with honest edits and server results. After every step every copy (both instances'
 * clients, a fresh load from PostgreSQL) holds the same valid board, and nothing of a refused
 * update is anywhere. `npm run soak` runs many more steps (BAD_CONTENT_STEPS) and seeds.
 */
const STEPS = Number(process.env.BAD_CONTENT_STEPS ?? 40)
const SEEDS = Number(process.env.BAD_CONTENT_SEEDS ?? 1)

let env: TestEnv
let ports: [number, number]

beforeAll(async () => {
  env = await openTestEnv()
  // Each attack is a fresh connection of the same two people: no pacing of their sync answers here.
  const limits = { syncAnswers: { perPerson: { perSecond: 1000, burst: 1000 }, perBoard: { perSecond: 1000, burst: 1000 } } }
  ports = [(await startServer(env, { limits })).port, (await startServer(env, { antiEntropyMs: 500, limits })).port]
})
afterAll(() => closeTestEnv(env))

type TRecord = TLRecord & { props?: Record<string, unknown>; parentId?: string }
type TAttack = { name: string; mustRefuse: boolean; apply: (doc: Y.Doc) => void }

/** Values a hostile client might put anywhere. */
function garbage(rand: () => number): unknown {
  const options: unknown[] = [null, 0, -1, 1e308, '', 'x'.repeat(Math.floor(rand() * 2000)), true, [], [null], {}, { nested: { deeper: [1, 'two'] } }, 'shape:nowhere', 'page:nowhere', NaN]
  return options[Math.floor(rand() * options.length)]
}

function pick<T>(rand: () => number, items: T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(rand() * items.length)]
}

/** One attack on the attacker's own copy of the board; `mustRefuse` when an editor's must be refused whatever the values. */
function randomAttack(rand: () => number, doc: Y.Doc): TAttack {
  const records = getRecords(doc)
  const all = [...records.values()] as TRecord[]
  const variations = all.filter((r) => r.typeName === 'shape' && (r as { type?: string }).type === 'variation')
  const approved = variations.filter((v) => v.props?.reviewState === 'approved')
  const target = pick(rand, all)!
  const attacks: TAttack[] = [
    { name: 'push a non-entry', mustRefuse: true, apply: (d) => d.getArray<unknown>('records').push([pick(rand, [null, 7, 'junk', [1], { val: {} }, { key: 'shape:k', val: null }])]) },
    { name: 'record of unknown type', mustRefuse: true, apply: (d) => getRecords(d).set('shape:odd', { ...geoShape('shape:odd'), typeName: 'gizmo' } as never) },
    { name: 'shape of unknown type', mustRefuse: true, apply: (d) => getRecords(d).set('shape:odd', { ...geoShape('shape:odd'), type: 'gizmo' } as never) },
    { name: 'shape without props', mustRefuse: true, apply: (d) => getRecords(d).set('shape:odd', { ...geoShape('shape:odd'), props: undefined } as never) },
    {
      name: 'garbage in a field',
      mustRefuse: false,
      apply: (d) => {
        const field = pick(rand, Object.keys(target))!
        getRecords(d).set(target.id, { ...target, [field]: garbage(rand) } as never)
      },
    },
    {
      name: 'garbage in a prop',
      mustRefuse: false,
      apply: (d) => {
        if (!target.props) return getRecords(d).set(target.id, { ...target, props: garbage(rand) } as never)
        const prop = pick(rand, Object.keys(target.props))!
        getRecords(d).set(target.id, { ...target, props: { ...target.props, [prop]: garbage(rand) } } as never)
      },
    },
    { name: 'meta.schema garbage', mustRefuse: true, apply: (d) => getMeta(d).set('schema', garbage(rand)) },
    { name: 'threads write', mustRefuse: true, apply: (d) => getThreads(d).set(randomUUID(), { id: 'x', updatedAt: '2999-01-01T00:00:00Z', author: 'Sam' } as never) },
    { name: 'unknown root', mustRefuse: true, apply: (d) => d.getMap(`evil-${Math.floor(rand() * 3)}`).set('k', 1) },
    { name: 'nested type', mustRefuse: true, apply: (d) => d.getArray<unknown>('records').push([new Y.Array()]) },
    { name: 'orphan shape', mustRefuse: true, apply: (d) => getRecords(d).set('shape:orphan', geoShape('shape:orphan', { parentId: 'shape:nowhere' as never })) },
    { name: 'delete the document', mustRefuse: true, apply: (d) => getRecords(d).delete('document:document') },
    { name: 'delete something', mustRefuse: false, apply: (d) => getRecords(d).delete(target.id) },
    // Shared texts (prompts and titles edited together).
    { name: 'text of a missing shape', mustRefuse: true, apply: (d) => getTexts(d).set(sharedTextKey('shape:nowhere', 'prompt'), new Y.Text('x')) },
    { name: 'text of a field no shape has', mustRefuse: true, apply: (d) => getTexts(d).set(sharedTextKey(target.id, 'evil'), new Y.Text('x')) },
    { name: 'plain value in texts', mustRefuse: true, apply: (d) => d.getMap<unknown>('texts').set(sharedTextKey('shape:shot', 'prompt'), garbage(rand)) },
    { name: 'map in texts', mustRefuse: true, apply: (d) => d.getMap<unknown>('texts').set(sharedTextKey('shape:shot', 'title'), new Y.Map()) },
    { name: 'embed in a prompt', mustRefuse: true, apply: (d) => withPrompt(d, (t) => t.insertEmbed(0, { evil: garbage(rand) })) },
    { name: 'bold in a prompt', mustRefuse: true, apply: (d) => withPrompt(d, (t) => t.insert(0, 'x', { bold: true })) },
    { name: 'nested type in a prompt', mustRefuse: true, apply: (d) => withPrompt(d, (t) => t.insertEmbed(0, new Y.Array())) },
    { name: 'a prompt far too long', mustRefuse: true, apply: (d) => withPrompt(d, (t) => t.insert(0, 'x'.repeat(8001))) },
    { name: 'remove a prompt', mustRefuse: true, apply: (d) => withPrompt(d, () => {}, () => getTexts(d).delete(sharedTextKey('shape:shot', 'prompt'))) },
    { name: 'type into a prompt', mustRefuse: false, apply: (d) => withPrompt(d, (t) => t.insert(Math.floor(rand() * (t.length + 1)), 'typed')) },
  ]
  const v = pick(rand, variations)
  if (v) {
    for (const [prop, value] of [['status', 'running'], ['assetSha256', 'f'.repeat(64)], ['reviewState', 'approved'], ['cost', 0]] as const) {
      if (v.props?.[prop] === value) continue
      attacks.push({ name: `variation ${prop}`, mustRefuse: true, apply: (d) => getRecords(d).set(v.id, { ...v, props: { ...v.props, [prop]: value } } as never) })
    }
  }
  const a = pick(rand, approved)
  if (a) {
    attacks.push({
      name: 'delete the page holding an approved variation',
      mustRefuse: true,
      apply: (d) => d.transact(() => {
        for (const r of [...getRecords(d).values()]) if (r.typeName === 'shape') getRecords(d).delete(r.id)
        getRecords(d).delete(TEST_PAGE_ID)
      }),
    })
    attacks.push({ name: 'delete an approved variation', mustRefuse: true, apply: (d) => getRecords(d).delete(a.id) })
  }
  return pick(rand, attacks)!
}

/**
 * Does `edit` to the shot's prompt text in one update (the text is made in it, from the shot or for
 * a shot deleted since, if the copy has none); `after` runs in the same update.
 */
function withPrompt(doc: Y.Doc, edit: (text: Y.Text) => void, after?: () => void): void {
  const key = sharedTextKey('shape:shot', 'prompt')
  doc.transact(() => {
    if (!getTexts(doc).has(key)) ensureSharedTexts(doc, getRecords(doc).get('shape:shot') ?? ({ id: 'shape:shot', type: 'shot', props: {} } as never))
    edit(getTexts(doc).get(key)!)
    after?.()
  })
}

/** An honest step: a person's edit, or a result or decision from the server. */
async function honestStep(rand: () => number, boardId: string, people: TWatchedClient[], step: number): Promise<void> {
  const person = pick(rand, people)!
  const records = getRecords(person.doc)
  const shapes = [...records.values()].filter((r) => r.typeName === 'shape' && (r as { type: string }).type === 'geo')
  const roll = rand()
  if (roll < 0.35 || shapes.length === 0) records.set(`shape:g${step}`, geoShape(`shape:g${step}`, { x: Math.floor(rand() * 900) }))
  else if (roll < 0.55) {
    const shape = pick(rand, shapes)!
    records.set(shape.id, { ...shape, x: Math.floor(rand() * 900) } as never)
  }
  else if (roll < 0.6) records.delete(pick(rand, shapes)!.id)
  else if (roll < 0.65) withPrompt(person.doc, (t) => t.insert(Math.floor(rand() * (t.length + 1)), `w${step} `))
  else if (roll < 0.8) {
    if (!records.has('shape:shot')) records.set('shape:shot', shotShape('shape:shot'))
    await upsertVariation(env, boardId, `shape:v${step}`, { shotId: 'shape:shot', status: 'succeeded', model: 'previz', prompt: `take ${step}`, assetSha256: 'a'.repeat(64) })
  } else {
    const variations = [...records.values()].filter((r) => (r as { type?: string }).type === 'variation')
    const v = pick(rand, variations)
    if (v) await upsertVariation(env, boardId, v.id, { reviewState: pick(rand, ['approved', 'changes_requested'] as const)! })
    else records.set('shape:placeholder', variationShape('shape:placeholder'))
  }
}

describe('a fuzz of well-formed updates with bad content', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: ${STEPS} steps from editors and reviewers over two instances leave every copy valid and equal, and store nothing refused`, { timeout: 60_000 + STEPS * 3_000 }, async () => {
      const rand = seededRandom(seed)
      const { boardId, members } = await createBoardWithMembers(env, ['editor', 'editor', 'editor', 'reviewer'])
      const [e1, e2, attackerEditor, attackerReviewer] = members as [TestUser, TestUser, TestUser, TestUser]
      const a = await openWatched(env, ports[0], boardId, e1.token)
      const b = await openWatched(env, ports[1], boardId, e2.token)
      const shot = shotShape('shape:shot')
      a.doc.transact(() => {
        getRecords(a.doc).set('shape:shot', shot)
        ensureSharedTexts(a.doc, shot as never)
      })
      let refused = 0
      for (let step = 0; step < STEPS; step++) {
        await honestStep(rand, boardId, [a, b], step)
        const asReviewer = rand() < 0.25
        const attacker = await openWatched(env, ports[rand() < 0.5 ? 0 : 1], boardId, (asReviewer ? attackerReviewer : attackerEditor).token)
        const attack = randomAttack(rand, attacker.doc)
        attack.apply(attacker.doc)
        const outcome = await Promise.race([attacker.closed, settle(env, boardId, a, [b]).then(() => null)])
        if (asReviewer) {
          expect(outcome, `reviewer: ${attack.name}`).toBeNull()
        } else if (attack.mustRefuse) {
          const closed = outcome ?? (await attacker.closed)
          expect(closed.code, `editor: ${attack.name}`).toBe(4400)
        }
        const wasRefused = outcome !== null || attacker.provider.wsconnected === false
        if (wasRefused) refused++
        attacker.provider.destroy()
        await settle(env, boardId, a, [b])
        // A server result published in the honest step is applied when the command consumer reaches
        // it, which on a loaded machine can be after the marker above: the copies must converge.
        let stored = await storedDoc(env, boardId)
        await waitFor(async () => {
          stored = await storedDoc(env, boardId)
          const want = canonical(allRecords(a.doc))
          const wantTexts = canonical(allTexts(a.doc))
          return [b.doc, stored].every((doc) => canonical(allRecords(doc)) === want && canonical(allTexts(doc)) === wantTexts)
        }).catch(() => {})
        const copies = [a.doc, b.doc, stored]
        const expected = canonical(allRecords(a.doc))
        const expectedTexts = allTexts(a.doc)
        for (const doc of copies) {
          expect(boardProblems(doc), `step ${step} (${attack.name})`).toEqual([])
          expect(canonical(allRecords(doc)), `step ${step} (${attack.name})`).toBe(expected)
          expect(allTexts(doc), `step ${step} (${attack.name})`).toEqual(expectedTexts)
          if (wasRefused || asReviewer) expect(holdsWritesOf(doc, attacker.doc.clientID), `step ${step} (${attack.name})`).toBe(false)
        }
        expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
      }
      expect(refused).toBeGreaterThan(STEPS / 4)
    })
  }
})
