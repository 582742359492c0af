import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { TLRecord } from '@tldraw/tlschema'
import { COMMENT_DRAFT_FIELD, getMeta, getRecords, getTexts, getThreads, sharedTextKey, versionCounterKey } from '@montage/board'
import { geoShape, presenceState, seedBoard, shotShape, TEST_PAGE_ID, variationShape } from '@montage/board/testing'
import { appendBoardUpdate, createBoard, listBoardCheckpoints, recordReviewDecision, type RecordReviewDecisionOptions } from '@montage/db'
import { allRecords, allTexts, boardProblems, holdsWritesOf, openWatched, publishCommand, settle, storedDoc, upsertVariation, type TWatchedClient } from './attack-helpers'
import { canonical } from './random-edits'
import { closeTestEnv, createBoardWithMembers, openProvider, openTestEnv, quietLogger, startServer, waitFor, type TestEnv, type TestUser } from './helpers'

let env: TestEnv
let ports: [number, number]
const logger = quietLogger()

beforeAll(async () => {
  env = await openTestEnv()
  // Two instances: the attacker's and its victims' copies must both stay clean.
  const boardLimits = { maxRecords: 60, maxRecordBytes: 32 * 1024 }
  // Each attack is a fresh connection of the same person: no pacing of their sync answers here.
  const limits = { syncAnswers: { perPerson: { perSecond: 1000, burst: 1000 }, perBoard: { perSecond: 1000, burst: 1000 } } }
  ports = [(await startServer(env, { logger, boardLimits, limits })).port, (await startServer(env, { logger, boardLimits, limits })).port]
})
afterAll(() => closeTestEnv(env))

const SHOT = 'shape:shot-hero'
const VARIATION = 'shape:v-hero'

interface TBoard {
  boardId: string
  owner: TestUser
  editors: TestUser[]
  /** An honest editor on each instance. */
  a: TWatchedClient
  b: TWatchedClient
}

/** A board with a shot and one succeeded variation of it, in `reviewState`, seen by an editor on each instance. */
async function boardWithVariation(reviewState: 'pending' | 'approved' = 'pending'): Promise<TBoard> {
  const { boardId, owner, members: editors } = await createBoardWithMembers(env, ['editor', 'editor', 'editor', 'reviewer'])
  const a = await openWatched(env, ports[0], boardId, editors[0]!.token)
  const b = await openWatched(env, ports[1], boardId, editors[1]!.token)
  getRecords(a.doc).set(SHOT, shotShape(SHOT))
  await upsertVariation(env, boardId, VARIATION, { shotId: SHOT, status: 'succeeded', model: 'previz', prompt: 'a lighthouse at dusk', assetSha256: 'a'.repeat(64), cost: 4 })
  await waitFor(() => variationIn(a)?.props.status === 'succeeded' && variationIn(b)?.props.status === 'succeeded')
  if (reviewState !== 'pending') {
    await upsertVariation(env, boardId, VARIATION, { reviewState })
    await waitFor(() => variationIn(a)?.props.reviewState === reviewState && variationIn(b)?.props.reviewState === reviewState)
  }
  return { boardId, owner, editors, a, b }
}

type TVariationRecord = TLRecord & { x: number; parentId: string; props: Record<string, unknown> }

function variationIn(client: { doc: Y.Doc }, id = VARIATION): TVariationRecord | undefined {
  return getRecords(client.doc).get(id) as TVariationRecord | undefined
}

/**
 * An editor connects, does `attack` to its own copy (its provider sends the update), and must be
 * closed with 4400 and a reason matching `reason`; afterwards no copy (either instance's client,
 * the database) holds anything of it, and the board still loads and validates.
 */
async function expectRefused(board: TBoard, attack: (doc: Y.Doc) => void, reason: RegExp): Promise<void> {
  const before = canonical(allRecords(board.a.doc))
  const attacker = await openWatched(env, ports[1], board.boardId, board.editors[2]!.token)
  attack(attacker.doc)
  const closed = await attacker.closed
  expect(closed.code).toBe(4400)
  expect(closed.reason).toMatch(/^Change refused: /)
  expect(closed.reason).toMatch(reason)
  const marker = await settle(env, board.boardId, board.a, [board.b])
  const stored = await storedDoc(env, board.boardId)
  for (const doc of [board.a.doc, board.b.doc, stored]) {
    expect(holdsWritesOf(doc, attacker.doc.clientID)).toBe(false)
    const records = allRecords(doc)
    delete records[marker]
    expect(canonical(records)).toBe(before)
    expect(boardProblems(doc)).toEqual([])
  }
  // A newcomer loads the board as it is.
  const fresh = await openProvider(env, ports[1], board.boardId, board.owner.token)
  expect(boardProblems(fresh.doc)).toEqual([])
  getRecords(board.a.doc).delete(marker)
}

/** An honest editor's change must reach the other instance's client and the database. */
async function expectAccepted(board: TBoard, change: (doc: Y.Doc) => void, check: (doc: Y.Doc) => boolean): Promise<void> {
  change(board.a.doc)
  await waitFor(() => check(board.b.doc))
  await waitFor(async () => check(await storedDoc(env, board.boardId)))
  expect(board.a.provider.wsconnected).toBe(true)
}

describe('every client write is checked before it counts', () => {
  it('refuses updates that would make the board unloadable; the board stays loadable everywhere', async () => {
    const board = await boardWithVariation()
    const records = (doc: Y.Doc) => doc.getArray<unknown>('records')
    await expectRefused(board, (doc) => records(doc).push([null]), /records entry must be an object/)
    await expectRefused(board, (doc) => records(doc).push(['shape:x']), /records entry must be an object/)
    await expectRefused(board, (doc) => records(doc).push([{ key: 'shape:x', val: null }]), /records entry must be an object/)
    // Bytes that are not UTF-8, or not the JSON of an object.
    await expectRefused(board, (doc) => records(doc).push([{ key: 'shape:x', val: Uint8Array.of(0x7b, 0x7d, 0xff) }]), /records entry must be an object/)
    await expectRefused(board, (doc) => records(doc).push([{ key: 'shape:x', val: new TextEncoder().encode('[1]') }]), /records entry must be an object/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', { ...geoShape('shape:x'), typeName: 'spaceship' } as never), /not a valid board record/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', { ...geoShape('shape:x'), type: 'teleporter' } as never), /not a valid board record/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', { ...geoShape('shape:x'), props: undefined } as never), /not a valid board record/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', { ...geoShape('shape:x'), props: { ...(geoShape('shape:x') as TVariationRecord).props, w: 'wide' } } as never), /not a valid board record/)
    await expectRefused(board, (doc) => getRecords(doc).set(VARIATION, { ...variationIn({ doc })!, props: null } as never), /not a valid board record/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', geoShape('shape:y')), /whose id is shape:y/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', geoShape('shape:x', { parentId: 'page:elsewhere' as never })), /not on this board/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:x', geoShape('shape:x', { parentId: 'shape:x' as never })), /placed inside itself|not on this board/)
    await expectRefused(board, (doc) => getRecords(doc).set('instance:instance', { id: 'instance:instance', typeName: 'instance' } as never), /not a valid board record|not part of the board document/)
    await expectRefused(board, (doc) => getRecords(doc).delete('document:document'), /document itself cannot be deleted/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:huge', geoShape('shape:huge', { meta: { blob: 'x'.repeat(40 * 1024) } })), /at most 32 KB/)
    await expectRefused(board, (doc) => getMeta(doc).set('schema', 'garbage'), /meta.schema must be a tldraw schema/)
    await expectRefused(board, (doc) => getMeta(doc).set('schema', { schemaVersion: 2, sequences: { 'com.tldraw.shape.geo': 999 } }), /meta.schema is set when a board is created/)
    await expectRefused(board, (doc) => getMeta(doc).set('owner', 'me'), /meta.owner is not part of a board/)
    await expectRefused(board, (doc) => getThreads(doc).set('c1', { id: 'c1', updatedAt: '2999-01-01T00:00:00.000Z' } as never), /threads are written by the server only/)
    await expectRefused(board, (doc) => doc.getText('evil').insert(0, 'x'), /"evil" is not part of a board/)
    await expectRefused(board, (doc) => records(doc).push([new Y.Map()]), /Nested type content is not part of a board/)
  })

  it('refuses records past the board size limit, naming it', async () => {
    const board = await boardWithVariation()
    const count = getRecords(board.a.doc).size
    await expectRefused(
      board,
      (doc) => doc.transact(() => {
        for (let i = 0; i <= 60 - count; i++) getRecords(doc).set(`shape:many-${i}`, geoShape(`shape:many-${i}`))
      }),
      /a board may hold at most 60/,
    )
  })

  it('lets editors move, resize, rename and delete what they may', async () => {
    const board = await boardWithVariation()
    await expectAccepted(board, (doc) => getRecords(doc).set('shape:box', geoShape('shape:box', { x: 10 })), (doc) => getRecords(doc).has('shape:box'))
    await expectAccepted(board, (doc) => getRecords(doc).set('shape:box', geoShape('shape:box', { x: 99, props: { w: 300 } })), (doc) => (getRecords(doc).get('shape:box') as { x: number } | undefined)?.x === 99)
    const shot = getRecords(board.a.doc).get(SHOT) as TVariationRecord
    await expectAccepted(board, (doc) => getRecords(doc).set(SHOT, { ...shot, props: { ...shot.props, title: 'Hero, take 2', prompt: 'at dawn' } } as never), (doc) => (getRecords(doc).get(SHOT) as TVariationRecord).props.title === 'Hero, take 2')
    const variation = variationIn(board.a)!
    await expectAccepted(board, (doc) => getRecords(doc).set(VARIATION, { ...variation, x: variation.x + 200, props: { ...variation.props, w: 480 } } as never), (doc) => variationIn({ doc })?.x === variation.x + 200)
    await expectAccepted(board, (doc) => getRecords(doc).delete('shape:box'), (doc) => !getRecords(doc).has('shape:box'))
  })
})

describe('a variation’s results, provenance and review are the server’s', () => {
  it('refuses an editor’s change to what the server wrote, naming the field', async () => {
    const board = await boardWithVariation()
    const change = (props: Record<string, unknown>) => (doc: Y.Doc) => {
      const v = variationIn({ doc })!
      getRecords(doc).set(VARIATION, { ...v, props: { ...v.props, ...props } } as never)
    }
    await expectRefused(board, change({ status: 'running' }), /status is written by the server only/)
    await expectRefused(board, change({ assetSha256: 'b'.repeat(64) }), /assetSha256 is written by the server only/)
    await expectRefused(board, change({ reviewState: 'approved' }), /reviewState is written by the server only/)
    await expectRefused(board, change({ prompt: 'something else entirely' }), /prompt is written by the server only/)
    await expectRefused(board, change({ cost: 0 }), /cost is written by the server only/)
    await expectRefused(board, change({ shotId: 'shape:other-shot' }), /shotId is written by the server only/)
  })

  it('numbers a variation when its command creates it and refuses a forged number: a changed one, a placeholder with one, the shot\'s counter', async () => {
    const board = await boardWithVariation()
    expect(variationIn(board.a)!.props.version).toBe(1)
    const change = (props: Record<string, unknown>) => (doc: Y.Doc) => {
      const v = variationIn({ doc })!
      getRecords(doc).set(VARIATION, { ...v, props: { ...v.props, ...props } } as never)
    }
    await expectRefused(board, change({ version: 7 }), /version is written by the server only/)
    await expectRefused(board, change({ version: 0 }), /version is written by the server only/)
    await expectRefused(board, (doc) => getRecords(doc).set('shape:forged-v', variationShape('shape:forged-v', { props: { shotId: SHOT, version: 2 } })), /its version is written by the server/)
    await expectRefused(board, (doc) => getMeta(doc).set(versionCounterKey(SHOT), 0), /is not part of a board/)
    // The shot's next variation is v2 on both instances and in the database, whatever was tried.
    await upsertVariation(env, board.boardId, 'shape:v-second', { shotId: SHOT, status: 'running', model: 'previz' })
    await waitFor(() => variationIn(board.b, 'shape:v-second')?.props.version === 2)
    await waitFor(async () => variationIn({ doc: await storedDoc(env, board.boardId) }, 'shape:v-second')?.props.version === 2)
    expect(variationIn(board.a)!.props.version).toBe(1)
  })

  it('numbers the variations of a board stored before versions when it loads, per shot in creation order', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const legacy = new Y.Doc()
    Y.applyUpdate(legacy, Y.encodeStateAsUpdate(await storedDoc(env, boardId)))
    // Written under the variation shape's schema before versions (3): the load's migration makes them unnumbered.
    const schema = getMeta(legacy).get('schema') as { sequences: Record<string, number> }
    getMeta(legacy).set('schema', { ...schema, sequences: { ...schema.sequences, 'com.tldraw.shape.variation': 3 } })
    const old = (id: string, index: string) => {
      const { version: _none, ...props } = (variationShape(id, { index: index as never, props: { shotId: SHOT, status: 'succeeded', assetSha256: 'a'.repeat(64) } }) as TVariationRecord).props
      return { ...variationShape(id), index, props } as never
    }
    getRecords(legacy).set(SHOT, shotShape(SHOT))
    // Stored out of creation order; the z-order (index) says the second one came first.
    getRecords(legacy).set('shape:old-later', old('shape:old-later', 'a8'))
    getRecords(legacy).set('shape:old-first', old('shape:old-first', 'a6'))
    await appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(legacy) })

    const client = await openWatched(env, ports[0], boardId, owner.token)
    await waitFor(() => variationIn(client, 'shape:old-first')?.props.version === 1 && variationIn(client, 'shape:old-later')?.props.version === 2)
    await waitFor(async () => variationIn({ doc: await storedDoc(env, boardId) }, 'shape:old-later')?.props.version === 2)
    expect(client.provider.wsconnected).toBe(true)
  })

  it('lets a person place a queued placeholder, never a variation with results of its own', async () => {
    const board = await boardWithVariation('approved')
    await expectRefused(board, (doc) => getRecords(doc).set('shape:forged', variationShape('shape:forged', { props: { shotId: SHOT, status: 'succeeded', assetSha256: 'c'.repeat(64) } })), /starts queued and empty/)
    // A copy of the approved variation (duplicate, paste) claims results it has no generation for.
    await expectRefused(board, (doc) => getRecords(doc).set('shape:copy', { ...variationIn({ doc })!, id: 'shape:copy' } as never), /starts queued and empty/)
    await expectAccepted(board, (doc) => getRecords(doc).set('shape:placeholder', variationShape('shape:placeholder', { props: { shotId: SHOT } })), (doc) => getRecords(doc).has('shape:placeholder'))
  })

  it('keeps an approved variation: not deleted, moved out, or orphaned by deleting its shot or page', async () => {
    const board = await boardWithVariation('approved')
    await expectRefused(board, (doc) => getRecords(doc).delete(VARIATION), /approved and cannot be deleted/)
    await expectRefused(board, (doc) => getRecords(doc).delete(SHOT), /holds approved shape:v-hero and cannot be deleted/)
    await expectRefused(
      board,
      (doc) => doc.transact(() => {
        // What tldraw writes when a page is deleted: the page and every shape on it.
        for (const id of [...getRecords(doc).map.keys()]) if (id.startsWith('shape:')) getRecords(doc).delete(id)
        getRecords(doc).set('page:other', { id: 'page:other', typeName: 'page', name: 'Other', index: 'a2', meta: {} } as never)
        getRecords(doc).delete(TEST_PAGE_ID)
      }),
      /approved and cannot be deleted/,
    )
    await expectRefused(
      board,
      (doc) => doc.transact(() => {
        getRecords(doc).set('shape:frame', { ...geoShape('shape:frame'), type: 'frame', props: { w: 800, h: 600, name: 'Frame', color: 'black' } } as never)
        getRecords(doc).set(VARIATION, { ...variationIn({ doc })!, parentId: 'shape:frame' } as never)
      }),
      /stays where it was approved/,
    )
    // Moving it on its page is layout, and layout is the team's.
    const v = variationIn(board.a)!
    await expectAccepted(board, (doc) => getRecords(doc).set(VARIATION, { ...v, x: v.x - 50, y: 300 } as never), (doc) => variationIn({ doc })?.x === v.x - 50)
    expect(variationIn(board.b)?.props.reviewState).toBe('approved')
  })

  it('lets an editor delete a variation nobody approved, and undo that', async () => {
    const board = await boardWithVariation('pending')
    const v = variationIn(board.a)!
    await expectAccepted(board, (doc) => getRecords(doc).delete(VARIATION), (doc) => variationIn({ doc }) === undefined)
    // Undo puts the same record back, results and all.
    await expectAccepted(board, (doc) => getRecords(doc).set(VARIATION, v as never), (doc) => variationIn({ doc })?.props.status === 'succeeded')
    expect(variationIn(board.b)).toEqual(v)
  })

  it('lets the server decide, after which the variation may be deleted', async () => {
    const board = await boardWithVariation('approved')
    await upsertVariation(env, board.boardId, VARIATION, { reviewState: 'changes_requested' })
    await waitFor(() => variationIn(board.a)?.props.reviewState === 'changes_requested')
    await expectAccepted(board, (doc) => getRecords(doc).delete(VARIATION), (doc) => variationIn({ doc }) === undefined)
  })

  it('reviewers write nothing and stay connected', async () => {
    const board = await boardWithVariation('pending')
    const reviewer = await openWatched(env, ports[0], board.boardId, board.editors[3]!.token)
    const v = variationIn(reviewer)!
    getRecords(reviewer.doc).set(VARIATION, { ...v, props: { ...v.props, reviewState: 'approved' } } as never)
    await settle(env, board.boardId, board.a, [board.b])
    expect(variationIn(board.b)?.props.reviewState).toBe('pending')
    expect(reviewer.provider.wsconnected).toBe(true)
  })
})

describe('shared texts: prompts and titles edited together', () => {
  it("merges two editors' typing in one prompt, refuses texts that are no shape's field, and takes none from a reviewer", async () => {
    const board = await boardWithVariation()
    const key = sharedTextKey(SHOT, 'prompt')
    const textOf = (doc: Y.Doc) => getTexts(doc).get(key)?.toString()
    // The shot came without texts: the server made them from its props.
    await waitFor(() => textOf(board.b.doc) === 'a lighthouse at dusk')
    // Two people type at once on two instances: both keep every character.
    getTexts(board.a.doc).get(key)!.insert(0, 'slow ')
    getTexts(board.b.doc).get(key)!.insert(0, 'WIDE ')
    await waitFor(() => textOf(board.a.doc)?.length === 30 && textOf(board.a.doc) === textOf(board.b.doc))
    expect(textOf(board.a.doc)).toMatch(/^(slow WIDE |WIDE slow )a lighthouse at dusk$/)
    await waitFor(async () => textOf(await storedDoc(env, board.boardId)) === textOf(board.a.doc))
    const merged = textOf(board.a.doc)

    const attacks: [string, (doc: Y.Doc) => void, RegExp][] = [
      ['a text of a shape the board lacks', (doc) => getTexts(doc).set(sharedTextKey('shape:ghost', 'prompt'), new Y.Text('boo')), /holds no such shape/],
      ['a text of a field the shot lacks', (doc) => getTexts(doc).set(sharedTextKey(SHOT, 'model'), new Y.Text('veo')), /no text field "model"/],
      ['a plain string in texts', (doc) => doc.getMap<unknown>('texts').set(sharedTextKey(SHOT, 'title'), 'plain'), /shared texts \(Y.Text\) only/],
      ['an embed in the prompt', (doc) => getTexts(doc).get(key)!.insertEmbed(0, { src: 'x' }), /not part of a shared text/],
      ['a prompt of 9000 characters', (doc) => getTexts(doc).get(key)!.insert(0, 'x'.repeat(9000)), /at most 4000/],
      ['a prompt replaced', (doc) => getTexts(doc).set(key, new Y.Text('wiped')), /never replaced/],
      ['a prompt removed', (doc) => getTexts(doc).delete(key), /never removed/],
    ]
    for (const [name, attack, reason] of attacks) {
      await expectRefused(board, attack, reason)
      for (const doc of [board.a.doc, board.b.doc, await storedDoc(env, board.boardId)]) expect(textOf(doc), name).toBe(merged)
    }

    const reviewer = await openWatched(env, ports[0], board.boardId, board.editors[3]!.token)
    await waitFor(() => textOf(reviewer.doc) === merged)
    getTexts(reviewer.doc).get(key)!.insert(0, 'REVIEWER ')
    await settle(env, board.boardId, board.a, [board.b])
    for (const doc of [board.a.doc, board.b.doc, await storedDoc(env, board.boardId)]) {
      expect(textOf(doc)).toBe(merged)
      expect(holdsWritesOf(doc, reviewer.doc.clientID)).toBe(false)
    }
    expect(reviewer.provider.wsconnected).toBe(true)
    expect(allTexts(board.b.doc)).toEqual(allTexts(board.a.doc))
  })
})

describe('comment drafts: written together by everyone who may comment', () => {
  it("takes a reviewer's draft of a variation's comment and merges it with an editor's; drops the rest of a reviewer's writes, refuses an over-long draft", async () => {
    const board = await boardWithVariation()
    const key = sharedTextKey(VARIATION, COMMENT_DRAFT_FIELD)
    const draftOf = (doc: Y.Doc) => getTexts(doc).get(key)?.toString()
    const reviewer = await openWatched(env, ports[0], board.boardId, board.editors[3]!.token)
    // The server made the variation's (empty) draft with it; the reviewer starts writing, the editor on the other instance adds to it.
    await waitFor(() => draftOf(reviewer.doc) === '' && draftOf(board.b.doc) === '')
    getTexts(reviewer.doc).get(key)!.insert(0, 'Too dark ')
    await waitFor(() => draftOf(board.b.doc) === 'Too dark ')
    getTexts(board.b.doc).get(key)!.insert(9, 'at the start.')
    getTexts(reviewer.doc).get(key)!.insert(0, 'Q: ')
    await waitFor(() => draftOf(board.a.doc) === 'Q: Too dark at the start.' && draftOf(reviewer.doc) === draftOf(board.a.doc) && draftOf(board.b.doc) === draftOf(board.a.doc))
    await waitFor(async () => draftOf(await storedDoc(env, board.boardId)) === 'Q: Too dark at the start.')

    // A reviewer's update that writes a draft and anything else is dropped whole (as all their writes were); they stay connected.
    const other = await openWatched(env, ports[1], board.boardId, board.editors[3]!.token)
    other.doc.transact(() => {
      getTexts(other.doc).get(key)!.insert(0, 'SNEAKY ')
      const v = variationIn(other)!
      getRecords(other.doc).set(VARIATION, { ...v, props: { ...v.props, reviewState: 'approved' } } as never)
    })
    await settle(env, board.boardId, board.a, [board.b])
    for (const doc of [board.a.doc, board.b.doc, await storedDoc(env, board.boardId)]) {
      expect(draftOf(doc)).toBe('Q: Too dark at the start.')
      expect(holdsWritesOf(doc, other.doc.clientID)).toBe(false)
    }
    expect(variationIn(board.b)?.props.reviewState).toBe('pending')
    expect(other.provider.wsconnected).toBe(true)

    // A draft past twice the comment limit is refused, as an editor's would be.
    const flooder = await openWatched(env, ports[1], board.boardId, board.editors[3]!.token)
    getTexts(flooder.doc).get(key)!.insert(0, 'x'.repeat(8001))
    const closed = await flooder.closed
    expect(closed.reason).toMatch(/at most 4000/)
    await settle(env, board.boardId, board.a, [board.b])
    expect(draftOf(board.b.doc)).toBe('Q: Too dark at the start.')
  })
})

describe('awareness carries presence only, under the account’s name', () => {
  it('names a cursor after the account and drops planted records and extra fields', async () => {
    const board = await boardWithVariation()
    const liar = await openWatched(env, ports[1], board.boardId, board.editors[2]!.token)
    const state = presenceState(liar.doc.clientID, { x: 5, y: 6 }, { id: board.owner.id, name: 'Owner (really)', color: '#ff0000' })
    liar.provider.awareness.setLocalState({ ...state, jobs: { [VARIATION]: { stage: 'rendering', progress: 0.5 } }, extra: 'x'.repeat(100) })
    await waitFor(() => board.a.provider.awareness.getStates().has(liar.doc.clientID))
    const seen = board.a.provider.awareness.getStates().get(liar.doc.clientID) as Record<string, { [k: string]: unknown }>
    expect(Object.keys(seen).sort()).toEqual(['presence', 'user'])
    expect(seen.user).toEqual({ id: board.editors[2]!.id, name: 'editor', color: '#ff0000' })
    expect(seen.presence).toMatchObject({ userId: `user:${board.editors[2]!.id}`, userName: 'editor', cursor: { x: 5, y: 6 } })

    // A "presence" that is really a shape (or another client's presence) would plant records in others' stores.
    liar.provider.awareness.setLocalState({ user: state.user, presence: { ...geoShape('shape:planted'), typeName: 'shape' } })
    await waitFor(() => (board.a.provider.awareness.getStates().get(liar.doc.clientID) as { presence: unknown }).presence === null)
    const other = presenceState(board.a.doc.clientID, { x: 1, y: 1 })
    liar.provider.awareness.setLocalState({ user: state.user, presence: other.presence })
    await new Promise((r) => setTimeout(r, 200))
    expect((board.a.provider.awareness.getStates().get(liar.doc.clientID) as { presence: unknown }).presence).toBeNull()
  })
})

describe('awareness carries a caret in a shared text field, well formed or not at all', () => {
  it('keeps a field key and two relative positions, and drops anything else', async () => {
    const board = await boardWithVariation()
    const person = await openWatched(env, ports[1], board.boardId, board.editors[2]!.token)
    const state = presenceState(person.doc.clientID, { x: 5, y: 6 }, { id: board.editors[2]!.id, name: 'editor', color: '#00ff00' })
    const caretOf = () => (board.a.provider.awareness.getStates().get(person.doc.clientID) as { textCaret?: unknown } | undefined)?.textCaret
    const good = { key: sharedTextKey(SHOT, 'prompt'), anchor: { item: { client: 7, clock: 3 }, assoc: 0 }, head: { type: { client: 7, clock: 0 }, assoc: -1 } }
    person.provider.awareness.setLocalState({ ...state, textCaret: { ...good, extra: 'x'.repeat(500), anchor: { ...good.anchor, tname: 'records' } } })
    await waitFor(() => caretOf() !== undefined)
    expect(caretOf()).toEqual(good)
    for (const bad of [{ ...good, key: 'records' }, { ...good, key: `${SHOT}/model` }, { ...good, anchor: { assoc: 0 } }, { ...good, head: { item: { client: -1, clock: 0 } } }, 'caret', [good]]) {
      person.provider.awareness.setLocalState({ ...state, textCaret: good })
      await waitFor(() => caretOf() !== undefined)
      person.provider.awareness.setLocalState({ ...state, textCaret: bad })
      await waitFor(() => caretOf() === undefined)
    }
  })
})

describe('checkpoint restore keeps the review decisions recorded since', () => {
  it('restores the canvas, never an approval revoked since, and keeps approvals made since', async () => {
    const board = await boardWithVariation('approved')
    const decide = (variationId: string, decision: RecordReviewDecisionOptions['decision']) =>
      recordReviewDecision(env.db, { boardId: board.boardId, variationId, decision, decidedBy: board.owner.id })
    await decide(VARIATION, 'approved')
    // A second variation, pending at the checkpoint.
    await upsertVariation(env, board.boardId, 'shape:v-later', { shotId: SHOT, status: 'succeeded', model: 'previz', prompt: 'later', assetSha256: 'd'.repeat(64) })
    getRecords(board.a.doc).set('shape:box', geoShape('shape:box', { x: 1 }))
    await waitFor(() => variationIn(board.b, 'shape:v-later') !== undefined && getRecords(board.b.doc).has('shape:box'))
    await waitFor(async () => getRecords(await storedDoc(env, board.boardId)).has('shape:box'))
    const checkpointId = randomUUID()
    await publishCommand(env, { id: randomUUID(), type: 'checkpoint.create', boardId: board.boardId, checkpointId, name: 'Before review' } as never)
    await waitFor(async () => (await listBoardCheckpoints(env.db, board.boardId)).some((c) => c.id === checkpointId))

    // Since the checkpoint: the approval is revoked, the other variation approved, the box moved.
    await decide(VARIATION, 'changes_requested')
    await upsertVariation(env, board.boardId, VARIATION, { reviewState: 'changes_requested' })
    await decide('shape:v-later', 'approved')
    await upsertVariation(env, board.boardId, 'shape:v-later', { reviewState: 'approved' })
    getRecords(board.a.doc).set('shape:box', geoShape('shape:box', { x: 500 }))
    await waitFor(() => variationIn(board.b, 'shape:v-later')?.props.reviewState === 'approved' && (getRecords(board.b.doc).get('shape:box') as { x: number }).x === 500)

    await publishCommand(env, { id: randomUUID(), type: 'checkpoint.restore', boardId: board.boardId, checkpointId } as never)
    await waitFor(() => (getRecords(board.b.doc).get('shape:box') as { x: number }).x === 1)
    for (const doc of [board.a.doc, board.b.doc, await storedDoc(env, board.boardId)]) {
      expect(variationIn({ doc })?.props.reviewState).toBe('changes_requested')
      expect(variationIn({ doc }, 'shape:v-later')?.props.reviewState).toBe('approved')
    }
  })

  it('brings a variation deleted since back with the decision its audit trail ends on', async () => {
    const board = await boardWithVariation('approved')
    await recordReviewDecision(env.db, { boardId: board.boardId, variationId: VARIATION, decision: 'approved', decidedBy: board.owner.id })
    await waitFor(async () => variationIn({ doc: await storedDoc(env, board.boardId) })?.props.reviewState === 'approved')
    const checkpointId = randomUUID()
    await publishCommand(env, { id: randomUUID(), type: 'checkpoint.create', boardId: board.boardId, checkpointId, name: 'Approved' } as never)
    await waitFor(async () => (await listBoardCheckpoints(env.db, board.boardId)).some((c) => c.id === checkpointId))
    await recordReviewDecision(env.db, { boardId: board.boardId, variationId: VARIATION, decision: 'changes_requested', decidedBy: board.owner.id })
    await upsertVariation(env, board.boardId, VARIATION, { reviewState: 'changes_requested' })
    await waitFor(() => variationIn(board.a)?.props.reviewState === 'changes_requested')
    getRecords(board.a.doc).delete(VARIATION)
    await waitFor(() => variationIn(board.b) === undefined)

    await publishCommand(env, { id: randomUUID(), type: 'checkpoint.restore', boardId: board.boardId, checkpointId } as never)
    await waitFor(() => variationIn(board.b) !== undefined)
    expect(variationIn(board.b)?.props).toMatchObject({ status: 'succeeded', reviewState: 'changes_requested' })
  })
})

describe('a board that already holds bad data', () => {
  it('still loads: invalid records are skipped and reported, and people keep working', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    // Stored before the server checked updates: what the attacks above would have left.
    const legacy = new Y.Doc()
    Y.applyUpdate(legacy, Y.encodeStateAsUpdate(await storedDoc(env, boardId)))
    legacy.getArray<unknown>('records').push([null, 'junk', { key: 'shape:no-props', val: { ...geoShape('shape:no-props'), props: undefined } }])
    legacy.getArray<unknown>('records').push([{ key: 'shape:v-null', val: { ...variationShape('shape:v-null'), props: null } }])
    await appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(legacy) })

    const client = await openWatched(env, ports[0], boardId, owner.token)
    expect(client.provider.wsconnected).toBe(true)
    await waitFor(() => logger.lines.some((l) => l.includes('malformed elements') && l.includes(boardId)))
    getRecords(client.doc).set('shape:still-works', geoShape('shape:still-works'))
    await waitFor(async () => getRecords(await storedDoc(env, boardId)).has('shape:still-works'))
    expect(client.provider.wsconnected).toBe(true)
  })

  it('loads a board whose first client seeded it, as the canvas does', async () => {
    const { boardId, owner } = await createBoardWithMembers(env)
    const board = await createBoard(env.db, { workspaceId: (await env.db`SELECT workspace_id FROM boards WHERE id = ${boardId}`)[0]!.workspace_id, name: 'Empty', createdBy: owner.id })
    const first = await openWatched(env, ports[0], board.id, owner.token)
    seedBoard(first.doc)
    await waitFor(async () => getRecords(await storedDoc(env, board.id)).has('document:document'))
    expect(first.provider.wsconnected).toBe(true)
    expect(boardProblems(await storedDoc(env, board.id))).toEqual([])
  })
})
