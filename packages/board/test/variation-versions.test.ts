import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  applyBoardCommand,
  BOARD_COMMAND_ORIGIN,
  BoardWriteGuard,
  boardSchema,
  DEFAULT_BOARD_WRITE_LIMITS,
  defaultVariationProps,
  editSlot,
  getMeta,
  getRecords,
  numberVariations,
  readRecords,
  versionCounterKey,
  ZBoardCommand,
  VARIATION_FOOTER_H,
  VARIATION_GAP,
  variationSlot,
  type TVariationProps,
} from '../src'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'

function docWithShots(): Y.Doc {
  const doc = new Y.Doc()
  const kv = getRecords(doc)
  kv.set('page:main', { id: 'page:main', typeName: 'page', name: 'Board', index: 'a1', meta: {} } as never)
  for (const [id, y] of [['shape:shotA', 0], ['shape:shotB', 600]] as const) {
    kv.set(id, {
      id, typeName: 'shape', type: 'shot', x: 100, y, rotation: 0, index: id === 'shape:shotA' ? 'a1' : 'a2', parentId: 'page:main', isLocked: false, opacity: 1, meta: {},
      props: { w: 360, h: 300, title: id, prompt: 'a lighthouse', model: 'previz', duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [] },
    } as never)
  }
  return doc
}

type TVariationRecord = { id: string; x: number; y: number; index: string; props: TVariationProps }
const variation = (doc: Y.Doc, id: string) => readRecords(doc)[id] as unknown as TVariationRecord
let commandN = 0
function upsert(doc: Y.Doc, variationId: string, patch: Record<string, unknown>) {
  applyBoardCommand(doc, ZBoardCommand.parse({ id: `c${++commandN}`, type: 'variation.upsert', boardId, variationId, patch }))
  return variation(doc, variationId)
}

describe('variation version numbers', () => {
  it('numbers each shot\'s variations from 1 as commands create them, keeps a number through later patches, and never reuses one after a deletion', () => {
    const doc = docWithShots()
    expect(upsert(doc, 'shape:a1', { shotId: 'shape:shotA', status: 'running' }).props.version).toBe(1)
    expect(upsert(doc, 'shape:a2', { shotId: 'shape:shotA', status: 'running' }).props.version).toBe(2)
    expect(upsert(doc, 'shape:b1', { shotId: 'shape:shotB', status: 'running' }).props.version).toBe(1)
    expect(upsert(doc, 'shape:a3', { shotId: 'shape:shotA', status: 'running' }).props.version).toBe(3)
    // Finishing v2 leaves it v2.
    expect(upsert(doc, 'shape:a2', { status: 'succeeded', assetSha256: 'a'.repeat(64) }).props.version).toBe(2)

    // Deleting v2 leaves v3 as it is; deleting v3 (the highest) does not give 3 again.
    getRecords(doc).delete('shape:a2')
    getRecords(doc).delete('shape:a3')
    expect(variation(doc, 'shape:a1').props.version).toBe(1)
    expect(upsert(doc, 'shape:a4', { shotId: 'shape:shotA', status: 'running' }).props.version).toBe(4)
    expect(getMeta(doc).get(versionCounterKey('shape:shotA'))).toBe(4)
  })

  it('numbers a placeholder a person placed when its first command reaches it, and the command cannot carry a version', () => {
    const doc = docWithShots()
    upsert(doc, 'shape:a1', { shotId: 'shape:shotA', status: 'running' })
    getRecords(doc).set('shape:placed', {
      id: 'shape:placed', typeName: 'shape', type: 'variation', x: 900, y: 0, rotation: 0, index: 'a9', parentId: 'page:main', isLocked: false, opacity: 1, meta: {},
      props: { ...defaultVariationProps(), shotId: 'shape:shotA' },
    } as never)
    expect(variation(doc, 'shape:placed').props.version).toBe(0)
    expect(upsert(doc, 'shape:placed', { status: 'running', model: 'previz' }).props.version).toBe(2)
    expect(ZBoardCommand.safeParse({ id: 'x', type: 'variation.upsert', boardId, variationId: 'shape:a1', patch: { version: 7 } }).success).toBe(false)
  })

  it('places an edit below its parent instead of at the end of the row, a second edit below the first, and keeps the row for generations', () => {
    const doc = docWithShots()
    const v1 = upsert(doc, 'shape:a1', { shotId: 'shape:shotA', status: 'succeeded' })
    const v2 = upsert(doc, 'shape:a2', { shotId: 'shape:shotA', status: 'succeeded' })
    const e1 = upsert(doc, 'shape:e1', { shotId: 'shape:shotA', status: 'running', parentVariationId: 'shape:a1' })
    const e2 = upsert(doc, 'shape:e2', { shotId: 'shape:shotA', status: 'running', parentVariationId: 'shape:a1' })
    const v5 = upsert(doc, 'shape:a5', { shotId: 'shape:shotA', status: 'running' })
    expect([e1.props.version, e2.props.version, v5.props.version]).toEqual([3, 4, 5])
    expect(e1.x).toBe(v1.x)
    expect(e1.y).toBeGreaterThanOrEqual(v1.y + v1.props.h + VARIATION_FOOTER_H)
    expect(e2.x).toBe(v1.x)
    expect(e2.y).toBeGreaterThanOrEqual(e1.y + e1.props.h + VARIATION_FOOTER_H)
    // The next generation takes the row's third slot, right after v2, not a slot after the edits.
    expect(v5.y).toBe(v1.y)
    expect(v5.x - v2.x).toBe(v2.x - v1.x)
  })

  // Bug: a batch's variations were numbered in the order their commands arrived, so v2 could sit in the first slot.
  it('numbers a batch\'s placeholders in slot order whichever command arrives first', () => {
    const doc = docWithShots()
    const kv = getRecords(doc)
    const ids = ['shape:slot0', 'shape:slot1', 'shape:slot2']
    // Placed as Generate ×3 places them: left to right, each on top of the last.
    ids.forEach((id, i) => {
      const slot = variationSlot({ x: 100, y: 0, w: 360, aspectRatio: '16:9' }, i)
      kv.set(id, { id, typeName: 'shape', type: 'variation', x: slot.x, y: slot.y, rotation: 0, index: `a${5 + i}`, parentId: 'page:main', isLocked: false, opacity: 1, meta: {}, props: { ...defaultVariationProps(), shotId: 'shape:shotA' } } as never)
    })
    expect(upsert(doc, 'shape:slot2', { status: 'running', model: 'previz' }).props.version).toBe(3)
    expect(upsert(doc, 'shape:slot0', { status: 'running', model: 'previz' }).props.version).toBe(1)
    expect(upsert(doc, 'shape:slot1', { status: 'running', model: 'previz' }).props.version).toBe(2)
    expect(ids.map((id) => variation(doc, id).props.version)).toEqual([1, 2, 3])
    expect(getMeta(doc).get(versionCounterKey('shape:shotA'))).toBe(3)
    // The next take goes on from there; a placeholder placed later waits for its own command.
    kv.set('shape:later', { id: 'shape:later', typeName: 'shape', type: 'variation', x: 0, y: 0, rotation: 0, index: 'a9', parentId: 'page:main', isLocked: false, opacity: 1, meta: {}, props: { ...defaultVariationProps(), shotId: 'shape:shotA' } } as never)
    expect(upsert(doc, 'shape:api', { shotId: 'shape:shotA', status: 'running' }).props.version).toBe(5)
    expect(variation(doc, 'shape:later').props.version).toBe(4)
    expect(upsert(doc, 'shape:b1', { shotId: 'shape:shotB', status: 'running' }).props.version).toBe(1)
  })

  it('places an edit\'s placeholder where the server places an edit (one rule), and the next edit below it without overlap', () => {
    const doc = docWithShots()
    const v1 = upsert(doc, 'shape:a1', { shotId: 'shape:shotA', status: 'succeeded' })
    upsert(doc, 'shape:a2', { shotId: 'shape:shotA', status: 'succeeded' })
    const kv = getRecords(doc)
    // The browser places the placeholder of an edit it starts, from the shapes it sees.
    const size = { w: v1.props.w, h: v1.props.h }
    const shapes = () => [...kv.values()].filter((r) => r.typeName === 'shape') as never[]
    const at = editSlot({ ...v1, parentId: 'page:main' }, size, shapes())
    kv.set('shape:placed', { id: 'shape:placed', typeName: 'shape', type: 'variation', ...at, rotation: 0, index: 'a9', parentId: 'page:main', isLocked: false, opacity: 1, meta: {}, props: { ...defaultVariationProps(), shotId: 'shape:shotA' } } as never)
    const placed = upsert(doc, 'shape:placed', { status: 'running', parentVariationId: 'shape:a1' })
    // A server-made edit of the same parent lands where a placeholder made now would: below the first.
    const next = editSlot({ ...v1, parentId: 'page:main' }, size, shapes())
    const e2 = upsert(doc, 'shape:e2', { shotId: 'shape:shotA', status: 'running', parentVariationId: 'shape:a1' })
    // Under the card's footer, not only its media: the cards stand h + footer tall on the canvas.
    expect({ x: placed.x, y: placed.y }).toEqual({ x: v1.x, y: v1.y + v1.props.h + VARIATION_FOOTER_H + VARIATION_GAP })
    expect({ x: e2.x, y: e2.y }).toEqual(next)
    expect(e2.y).toBe(placed.y + placed.props.h + VARIATION_FOOTER_H + VARIATION_GAP)
  })

  it('numbers the variations of a board stored before versions, per shot in creation order, once', () => {
    const doc = docWithShots()
    const kv = getRecords(doc)
    const old = (id: string, shotId: string, index: string) => {
      const { version: _none, ...props } = defaultVariationProps()
      kv.set(id, { id, typeName: 'shape', type: 'variation', x: 0, y: 0, rotation: 0, index, parentId: 'page:main', isLocked: false, opacity: 1, meta: {}, props: { ...props, shotId, status: 'succeeded' } } as never)
    }
    // Stored out of creation order: z-order (the index) says which came first.
    old('shape:third', 'shape:shotA', 'a7')
    old('shape:first', 'shape:shotA', 'a3')
    old('shape:other', 'shape:shotB', 'a5')
    old('shape:second', 'shape:shotA', 'a4')
    const origins: unknown[] = []
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin))
    expect(numberVariations(doc, BOARD_COMMAND_ORIGIN)).toBe(4)
    expect(origins).toEqual([BOARD_COMMAND_ORIGIN])
    expect(['shape:first', 'shape:second', 'shape:third', 'shape:other'].map((id) => variation(doc, id).props.version)).toEqual([1, 2, 3, 1])
    expect(numberVariations(doc, BOARD_COMMAND_ORIGIN)).toBe(0)
    // A malformed record stored before the write checks is left alone, not thrown on.
    kv.set('shape:broken', { id: 'shape:broken', typeName: 'shape', type: 'variation', index: 'a9', props: null } as never)
    expect(numberVariations(doc, BOARD_COMMAND_ORIGIN)).toBe(0)
    expect(upsert(doc, 'shape:next', { shotId: 'shape:shotA', status: 'running' }).props.version).toBe(4)
  })

  it('migrates a stored variation to an unnumbered one and back', () => {
    const schema = boardSchema()
    const snapshot = schema.serialize()
    const before = { ...snapshot, sequences: { ...snapshot.sequences, 'com.tldraw.shape.variation': 3 } }
    const { version: _none, ...props } = defaultVariationProps()
    const stored = { id: 'shape:old', typeName: 'shape', type: 'variation', x: 0, y: 0, rotation: 0, index: 'a2', parentId: 'page:main', isLocked: false, opacity: 1, meta: {}, props: { ...props, shotId: 'shape:shotA' } }
    const up = schema.migratePersistedRecord(stored as never, before)
    expect(up.type).toBe('success')
    expect((up as { value: { props: TVariationProps } }).value.props.version).toBe(0)
    // A number the server wrote into a board created under the older schema survives the load's migration.
    const migrated = schema.migrateStoreSnapshot({ store: { 'shape:old': { ...stored, props: { ...stored.props, version: 5 } } } as never, schema: before })
    expect((migrated as { value: Record<string, { props: TVariationProps }> }).value['shape:old']!.props.version).toBe(5)
    const down = schema.migratePersistedRecord({ ...stored, props: { ...stored.props, version: 5 } } as never, before, 'down')
    expect((down as { value: { props: Record<string, unknown> } }).value.props).not.toHaveProperty('version')
  })

  it('refuses a person\'s change of a version, a placeholder that brings its own, and a write of the shot\'s counter', () => {
    const server = docWithShots()
    getMeta(server).set('schema', boardSchema().serialize())
    upsert(server, 'shape:a1', { shotId: 'shape:shotA', status: 'succeeded' })
    const guard = new BoardWriteGuard(server, DEFAULT_BOARD_WRITE_LIMITS)
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
    const changeOf = (fn: (doc: Y.Doc) => void) => {
      const sv = Y.encodeStateVector(client)
      const copy = new Y.Doc()
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(client))
      fn(copy)
      return Y.encodeStateAsUpdate(copy, sv)
    }
    const v1 = variation(server, 'shape:a1')
    expect(guard.check(changeOf((d) => getRecords(d).set('shape:a1', { ...v1, x: 999 } as never)))).toBeNull()
    expect(guard.check(changeOf((d) => getRecords(d).set('shape:a1', { ...v1, props: { ...v1.props, version: 9 } } as never)))).toMatch(/version is written by the server only/)
    expect(guard.check(changeOf((d) => getRecords(d).set('shape:forged', { ...v1, id: 'shape:forged', index: 'a9', props: { ...defaultVariationProps(), shotId: 'shape:shotA', version: 2 } } as never)))).toMatch(/its version is written by the server/)
    expect(guard.check(changeOf((d) => getMeta(d).set(versionCounterKey('shape:shotA'), 0)))).toMatch(/not part of a board/)
    guard.destroy()
  })
})
