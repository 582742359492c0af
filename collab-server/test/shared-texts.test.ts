import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ensureSharedTexts, getRecords, getTexts, sharedTextKey } from '@montage/board'
import { shotShape } from '@montage/board/testing'
import { appendBoardUpdate } from '@montage/db'
import { allTexts, openWatched, settle, storedDoc } from './attack-helpers'
import { closeTestEnv, createBoardWithMembers, openTestEnv, startServer, waitFor, type TestEnv } from './helpers'

let env: TestEnv
let ports: [number, number]

beforeAll(async () => {
  env = await openTestEnv()
  ports = [(await startServer(env)).port, (await startServer(env)).port]
})
afterAll(() => closeTestEnv(env))

const HARBOUR = 'shape:shot-harbour'
const WINDOW = 'shape:shot-window'
const textOf = (doc: Y.Doc, shapeId: string, field: string) => getTexts(doc).get(sharedTextKey(shapeId, field))?.toString()

/** A board stored before shared texts: two shots whose prompts and titles are props only, and a text left by a shape deleted long ago. */
async function boardStoredWithoutTexts() {
  const { boardId, members } = await createBoardWithMembers(env, ['editor', 'editor'])
  const legacy = await storedDoc(env, boardId)
  const before = Y.encodeStateVector(legacy)
  getRecords(legacy).set(HARBOUR, shotShape(HARBOUR, { props: { title: 'Harbour', prompt: 'a lighthouse at dusk' } }))
  getRecords(legacy).set(WINDOW, shotShape(WINDOW, { x: 0, y: 600, index: 'a3' as never, props: { title: 'Window', prompt: 'rain on glass' } }))
  getTexts(legacy).set(sharedTextKey('shape:long-gone', 'prompt'), new Y.Text('orphaned'))
  await appendBoardUpdate(env.db, { boardId, update: Y.encodeStateAsUpdate(legacy, before) })
  return { boardId, editors: members }
}

describe('shared texts are made and removed by the collab-server', () => {
  // Bug: a board stored before texts got them from the browser on first focus; two people focusing one field at once lost the first keystrokes of one.
  it('makes every shot\'s prompt and title text from its props when it loads a board stored without them, so two people typing at once both keep theirs', async () => {
    const { boardId, editors } = await boardStoredWithoutTexts()
    const a = await openWatched(env, ports[0], boardId, editors[0]!.token)
    const expected = { [`${HARBOUR}/prompt`]: 'a lighthouse at dusk', [`${HARBOUR}/title`]: 'Harbour', [`${WINDOW}/prompt`]: 'rain on glass', [`${WINDOW}/title`]: 'Window' }
    await waitFor(() => JSON.stringify(allTexts(a.doc)) === JSON.stringify(expected))
    await waitFor(async () => JSON.stringify(allTexts(await storedDoc(env, boardId))) === JSON.stringify(expected))
    // The text of a shape that is gone went away.
    expect(getTexts(a.doc).has(sharedTextKey('shape:long-gone', 'prompt'))).toBe(false)

    // A second person, on another instance: both type into the never-edited prompt at once.
    const b = await openWatched(env, ports[1], boardId, editors[1]!.token)
    await waitFor(() => textOf(b.doc, HARBOUR, 'prompt') === 'a lighthouse at dusk')
    getTexts(a.doc).get(sharedTextKey(HARBOUR, 'prompt'))!.insert(0, 'slow ')
    getTexts(b.doc).get(sharedTextKey(HARBOUR, 'prompt'))!.insert(0, 'WIDE ')
    await waitFor(() => textOf(a.doc, HARBOUR, 'prompt')?.length === 30 && textOf(a.doc, HARBOUR, 'prompt') === textOf(b.doc, HARBOUR, 'prompt'))
    expect(textOf(a.doc, HARBOUR, 'prompt')).toMatch(/^(slow WIDE |WIDE slow )a lighthouse at dusk$/)
    await waitFor(async () => textOf(await storedDoc(env, boardId), HARBOUR, 'prompt') === textOf(a.doc, HARBOUR, 'prompt'))
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
  })

  // Bug: a deleted shape's texts stayed in the board forever (clients may not remove texts).
  it('removes a deleted shot\'s texts everywhere, leaves the others, and gives a shot added back without texts new ones from its props', async () => {
    const { boardId, members: editors } = await createBoardWithMembers(env, ['editor', 'editor'])
    const a = await openWatched(env, ports[0], boardId, editors[0]!.token)
    // Made on the canvas: each shot with its texts, in one transaction.
    a.doc.transact(() => {
      for (const shot of [shotShape(HARBOUR, { props: { title: 'Harbour', prompt: 'a lighthouse at dusk' } }), shotShape(WINDOW, { y: 600, index: 'a3' as never, props: { title: 'Window', prompt: 'rain on glass' } })]) {
        getRecords(a.doc).set(shot.id, shot)
        ensureSharedTexts(a.doc, shot as never)
      }
    })
    await waitFor(async () => textOf(await storedDoc(env, boardId), WINDOW, 'title') === 'Window')
    const b = await openWatched(env, ports[1], boardId, editors[1]!.token)
    await waitFor(() => textOf(b.doc, HARBOUR, 'title') === 'Harbour')

    const harbour = getRecords(a.doc).get(HARBOUR)!
    getRecords(a.doc).delete(HARBOUR)
    const gone = (doc: Y.Doc) => !getTexts(doc).has(sharedTextKey(HARBOUR, 'prompt')) && !getTexts(doc).has(sharedTextKey(HARBOUR, 'title'))
    await waitFor(() => gone(a.doc) && gone(b.doc))
    await waitFor(async () => gone(await storedDoc(env, boardId)))
    for (const doc of [a.doc, b.doc]) expect([textOf(doc, WINDOW, 'prompt'), textOf(doc, WINDOW, 'title')]).toEqual(['rain on glass', 'Window'])

    // Put back as a record alone (a restore, an old client): the server makes its texts from its props.
    getRecords(b.doc).set(HARBOUR, harbour)
    await waitFor(() => textOf(a.doc, HARBOUR, 'prompt') === 'a lighthouse at dusk' && textOf(b.doc, HARBOUR, 'title') === 'Harbour')
    await settle(env, boardId, a, [b])
    expect(allTexts(b.doc)).toEqual(allTexts(a.doc))
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
  })
})
