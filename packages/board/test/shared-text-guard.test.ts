import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { BoardWriteGuard, COMMENT_DRAFT_FIELD, DROP, DEFAULT_BOARD_WRITE_LIMITS, ensureSharedTexts, getRecords, getTexts, referenceTagOf, sharedTextKey, sharedTextPropValue } from '../src'
import { geoShape, referenceShape, seedBoard, shotShape, variationShape } from '../src/testing'

/** The server's copy of a board with a shot, a reference and a variation (their texts made) and a geo shape, and a synced client. */
function boardPair(): { server: Y.Doc; client: Y.Doc; guard: BoardWriteGuard } {
  const server = new Y.Doc()
  seedBoard(server)
  server.transact(() => {
    const shot = shotShape('shape:shot', { props: { prompt: 'a lighthouse at dusk', title: 'Opening' } })
    getRecords(server).set('shape:shot', shot)
    getRecords(server).set('shape:geo', geoShape('shape:geo'))
    ensureSharedTexts(server, shot as never)
    const reference = referenceShape('shape:ref')
    getRecords(server).set('shape:ref', reference)
    ensureSharedTexts(server, reference as never)
    const variation = variationShape('shape:var')
    getRecords(server).set('shape:var', variation)
    ensureSharedTexts(server, variation as never)
  })
  const client = new Y.Doc({ gc: false })
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  return { server, client, guard: new BoardWriteGuard(server, DEFAULT_BOARD_WRITE_LIMITS) }
}

function changeOf(client: Y.Doc, server: Y.Doc, change: () => void): Uint8Array {
  change()
  return Y.encodeStateAsUpdate(client, Y.encodeStateVector(server))
}

const PROMPT = sharedTextKey('shape:shot', 'prompt')
const TAG = sharedTextKey('shape:ref', 'tag')
const DRAFT = sharedTextKey('shape:var', COMMENT_DRAFT_FIELD)

describe('shared texts in the board guard', () => {
  it('accepts typing and deleting in a shot prompt, and two people typing at once merge', () => {
    const { server, client, guard } = boardPair()
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server))
    const mine = changeOf(client, server, () => getTexts(client).get(PROMPT)!.insert(0, 'Wide: '))
    const theirs = changeOf(other, server, () => getTexts(other).get(PROMPT)!.insert(20, ', rain'))
    expect(guard.check(mine)).toBeNull()
    Y.applyUpdate(server, mine)
    expect(guard.check(theirs)).toBeNull()
    Y.applyUpdate(server, theirs)
    expect(getTexts(server).get(PROMPT)!.toString()).toBe('Wide: a lighthouse at dusk, rain')
    const deletion = changeOf(client, server, () => {
      Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
      getTexts(client).get(PROMPT)!.delete(0, 6)
    })
    expect(guard.check(deletion)).toBeNull()
  })

  it('accepts a text made with a new shot in one update, and for an existing shot without one', () => {
    const { server, client, guard } = boardPair()
    const made = changeOf(client, server, () =>
      client.transact(() => {
        const shot = shotShape('shape:new', { props: { prompt: 'a new one' } })
        getRecords(client).set('shape:new', shot)
        ensureSharedTexts(client, shot as never)
      }),
    )
    expect(guard.check(made)).toBeNull()
  })

  it('makes a reference tag text from its tag and an empty comment draft for a variation', () => {
    const { server } = boardPair()
    expect(getTexts(server).get(TAG)!.toString()).toBe('hero')
    expect(getTexts(server).get(DRAFT)!.toString()).toBe('')
  })

  it('accepts two people typing tag characters into one reference name, past 32 together; the tag is the first 32', () => {
    const { server, client, guard } = boardPair()
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server))
    const mine = changeOf(client, server, () => getTexts(client).get(TAG)!.insert(4, '_lighthouse_keeper_at_dusk'))
    const theirs = changeOf(other, server, () => getTexts(other).get(TAG)!.insert(0, 'old-'))
    expect(guard.check(mine)).toBeNull()
    Y.applyUpdate(server, mine)
    expect(guard.check(theirs)).toBeNull()
    Y.applyUpdate(server, theirs)
    const merged = getTexts(server).get(TAG)!.toString()
    expect(merged).toBe('old-hero_lighthouse_keeper_at_dusk')
    expect(merged.length).toBeGreaterThan(32)
    expect(sharedTextPropValue('reference', 'tag', merged)).toBe('old-hero_lighthouse_keeper_at_du')
    // The record takes that value: it is a valid tag.
    const record = getRecords(server).get('shape:ref')!
    const written = { ...record, props: { ...(record as { props: object }).props, tag: sharedTextPropValue('reference', 'tag', merged) } }
    expect(guard.checkWrites({ written: new Map([['shape:ref', written as never]]), deleted: new Set() })).toBeNull()
  })

  it('reads any text as a valid tag, and a draft as no prop at all', () => {
    expect(referenceTagOf('Hero Shot!')).toBe('heroshot')
    expect(referenceTagOf('x'.repeat(50))).toBe('x'.repeat(32))
    expect(referenceTagOf('@ünïcode 🎬-ok_1')).toBe('ncode-ok_1')
    expect(sharedTextPropValue('variation', COMMENT_DRAFT_FIELD, 'hello')).toBeNull()
    expect(sharedTextPropValue('shot', 'prompt', 'Hello!')).toBe('Hello!')
  })

  it('accepts two people writing one comment draft, and emptying it', () => {
    const { server, client, guard } = boardPair()
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server))
    const mine = changeOf(client, server, () => getTexts(client).get(DRAFT)!.insert(0, 'The light flickers. '))
    const theirs = changeOf(other, server, () => getTexts(other).get(DRAFT)!.insert(0, 'Love the fog! '))
    expect(guard.check(mine)).toBeNull()
    Y.applyUpdate(server, mine)
    expect(guard.check(theirs)).toBeNull()
    Y.applyUpdate(server, theirs)
    expect(getTexts(server).get(DRAFT)!.length).toBe(34)
    const cleared = changeOf(client, server, () => {
      Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
      getTexts(client).get(DRAFT)!.delete(0, 34)
    })
    expect(guard.check(cleared)).toBeNull()
  })

  it("checks a commenter's update that writes drafts only, and drops one that writes anything else", () => {
    const { server, client, guard } = boardPair()
    const draftOnly = changeOf(client, server, () => getTexts(client).get(DRAFT)!.insert(0, 'hi'))
    expect(guard.check(draftOnly, { draftsOnly: true })).toBeNull()
    const longDraft = changeOf(client, server, () => getTexts(client).get(DRAFT)!.insert(0, 'x'.repeat(9000)))
    expect(guard.check(longDraft, { draftsOnly: true })).toMatch(/may hold at most/)
    const fresh = boardPair()
    const withPrompt = changeOf(fresh.client, fresh.server, () =>
      fresh.client.transact(() => {
        getTexts(fresh.client).get(DRAFT)!.insert(0, 'hi')
        getTexts(fresh.client).get(PROMPT)!.insert(0, 'x')
      }),
    )
    expect(fresh.guard.check(withPrompt, { draftsOnly: true })).toBe(DROP)
    expect(fresh.guard.check(withPrompt)).toBeNull()
    const third = boardPair()
    const withRecord = changeOf(third.client, third.server, () =>
      third.client.transact(() => {
        getTexts(third.client).get(DRAFT)!.insert(0, 'hi')
        getRecords(third.client).set('shape:geo2', geoShape('shape:geo2'))
      }),
    )
    expect(third.guard.check(withRecord, { draftsOnly: true })).toBe(DROP)
    expect(third.guard.check(new Uint8Array([1, 2, 3]), { draftsOnly: true })).toBe(DROP)
  })

  it.each<[string, (d: Y.Doc) => void, RegExp]>([
    ['capitals and spaces typed into a reference name', (d) => getTexts(d).get(TAG)!.insert(4, ' Shot'), /lowercase letters, digits, - and _ only/],
    ['markup typed into a reference name', (d) => getTexts(d).get(TAG)!.insert(0, '<img src=x>'), /lowercase letters, digits, - and _ only/],
    ['a reference name far past its limit', (d) => getTexts(d).get(TAG)!.insert(0, 'x'.repeat(100)), /may hold at most 32/],
    ['a reference name text made with bad characters for a new reference', (d) => {
      d.transact(() => {
        getRecords(d).set('shape:ref2', referenceShape('shape:ref2', { props: { tag: 'ok' } }))
        getTexts(d).set(sharedTextKey('shape:ref2', 'tag'), new Y.Text('NOT OK'))
      })
    }, /lowercase letters, digits, - and _ only/],
    ['a comment draft far past the comment limit', (d) => getTexts(d).get(DRAFT)!.insert(0, 'x'.repeat(8001)), /may hold at most 4000/],
    ['a comment draft for a variation that does not exist', (d) => getTexts(d).set(sharedTextKey('shape:gone', COMMENT_DRAFT_FIELD), new Y.Text('hi')), /holds no such shape/],
    ['a comment draft on a shot', (d) => getTexts(d).set(sharedTextKey('shape:shot', COMMENT_DRAFT_FIELD), new Y.Text('hi')), /no text field "commentDraft"/],
    ['a comment draft replaced', (d) => getTexts(d).set(DRAFT, new Y.Text('wiped')), /never replaced/],
    ['a comment draft removed', (d) => getTexts(d).delete(DRAFT), /never removed/],

    ['a text for a shape that does not exist', (d) => getTexts(d).set(sharedTextKey('shape:nowhere', 'prompt'), new Y.Text('x')), /holds no such shape/],
    ['a text for a field the shape does not have', (d) => getTexts(d).set(sharedTextKey('shape:shot', 'model'), new Y.Text('x')), /no text field "model"/],
    ['a text for a shape without text fields', (d) => getTexts(d).set(sharedTextKey('shape:geo', 'prompt'), new Y.Text('x')), /no text field/],
    ['a key that names no shape', (d) => getTexts(d).set('prompt', new Y.Text('x')), /not a text field of a shape/],
    ['a plain value', (d) => (d.getMap('texts') as Y.Map<unknown>).set(sharedTextKey('shape:shot', 'title'), 'plain'), /shared texts \(Y.Text\) only/],
    ['a map instead of a text', (d) => (d.getMap('texts') as Y.Map<unknown>).set(sharedTextKey('shape:shot', 'title'), new Y.Map()), /shared texts \(Y.Text\) only/],
    ['a rich XmlText', (d) => (d.getMap('texts') as Y.Map<unknown>).set(sharedTextKey('shape:shot', 'title'), new Y.XmlText('x')), /shared texts \(Y.Text\) only/],
    ['a nested map inside a text', (d) => getTexts(d).get(PROMPT)!.insertEmbed(0, new Y.Map()), /not part of a shared text/],
    ['an embed inside a text', (d) => getTexts(d).get(PROMPT)!.insertEmbed(0, { evil: true }), /not part of a shared text/],
    ['formatting inside a text', (d) => getTexts(d).get(PROMPT)!.format(0, 3, { bold: true }), /not part of a shared text/],
    ['a keyed attribute on a text', (d) => getTexts(d).get(PROMPT)!.setAttribute('evil', 1), /no keyed entries/],
    ['a prompt far past its limit', (d) => getTexts(d).get(PROMPT)!.insert(0, 'x'.repeat(9000)), /may hold at most 4000/],
    ['replacing a text that exists', (d) => getTexts(d).set(PROMPT, new Y.Text('wiped')), /never replaced/],
    ['removing a text', (d) => getTexts(d).delete(PROMPT), /never removed/],
  ])('refuses %s, and the board keeps its text', (_name, attack, message) => {
    const { server, client, guard } = boardPair()
    const update = changeOf(client, server, () => attack(client))
    expect(guard.check(update)).toMatch(message)
    expect(getTexts(server).get(PROMPT)!.toString()).toBe('a lighthouse at dusk')
  })

  it('refuses a text under a key the update names only through a neighbour of another root', () => {
    const { server, client, guard } = boardPair()
    const update = changeOf(client, server, () => client.getMap('evil').set('k', new Y.Text('x')))
    expect(guard.check(update)).toMatch(/"evil" is not part of a board/)
  })
})
