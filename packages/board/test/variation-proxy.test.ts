import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyBoardCommand, boardSchema, defaultVariationProps, getRecords, readRecords, ZBoardCommand, type TVariationProps } from '../src'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'
const PROXY = 'd'.repeat(64)

/** A variation record as stored before the proxy existed (schema version 2 of the variation shape). */
function storedBeforeProxy(): Record<string, unknown> {
  const { proxySha256: _dropped, ...props } = defaultVariationProps()
  return {
    id: 'shape:old', typeName: 'shape', type: 'variation', x: 0, y: 0, rotation: 0, index: 'a2', parentId: 'page:main', isLocked: false, opacity: 1, meta: {},
    props: { ...props, status: 'succeeded', assetSha256: 'a'.repeat(64), posterSha256: 'b'.repeat(64), mimeType: 'video/mp4', stripSha256: 'c'.repeat(64), stripFrames: 10 },
  }
}

describe('variation web proxy', () => {
  it('migrates a variation stored before proxies existed to one that plays its output', () => {
    const schema = boardSchema()
    const snapshot = schema.serialize()
    const before = { ...snapshot, sequences: { ...snapshot.sequences, 'com.tldraw.shape.variation': 2 } }
    const up = schema.migratePersistedRecord(storedBeforeProxy() as never, before)
    expect(up.type).toBe('success')
    const props = (up as { value: { props: TVariationProps } }).value.props
    expect(props).toMatchObject({ proxySha256: '', stripFrames: 10, assetSha256: 'a'.repeat(64) })

    // An older client reading a newer record gets it back without the prop.
    const down = schema.migratePersistedRecord({ ...storedBeforeProxy(), props: { ...props, proxySha256: PROXY } } as never, before, 'down')
    expect(down.type).toBe('success')
    expect((down as { value: { props: Record<string, unknown> } }).value.props).not.toHaveProperty('proxySha256')
  })

  // Bug: a board's stored schema is the one it was created with, so every load migrated the records
  // the server had since written at the current version again, wiping their strip, tags and proxy.
  it('keeps the strip, tags and proxy the server wrote into a board created under an older schema', () => {
    const schema = boardSchema()
    const snapshot = schema.serialize()
    const createdUnder = { ...snapshot, sequences: { ...snapshot.sequences, 'com.tldraw.shape.variation': 1 } }
    const written = { ...storedBeforeProxy(), props: { ...defaultVariationProps(), status: 'succeeded', referenceTags: ['hero'], stripSha256: 'c'.repeat(64), stripFrames: 10, proxySha256: PROXY } }
    const migrated = schema.migrateStoreSnapshot({ store: { 'shape:old': written } as never, schema: createdUnder })
    expect(migrated.type).toBe('success')
    const props = (migrated as { value: Record<string, { props: TVariationProps }> }).value['shape:old']!.props
    expect(props).toMatchObject({ referenceTags: ['hero'], stripSha256: 'c'.repeat(64), stripFrames: 10, proxySha256: PROXY })
  })

  it('records the proxy a variation.upsert carries, fills it in on an old record, and refuses a value that is no sha256', () => {
    const doc = new Y.Doc()
    const kv = getRecords(doc)
    kv.set('page:main', { id: 'page:main', typeName: 'page', name: 'Board', index: 'a1', meta: {} } as never)
    kv.set('shape:old', storedBeforeProxy() as never)
    applyBoardCommand(doc, { id: 'c1', type: 'variation.upsert', boardId, variationId: 'shape:old', patch: { reviewState: 'approved' } })
    const cmd = ZBoardCommand.parse({ id: 'c2', type: 'variation.upsert', boardId, variationId: 'shape:new', patch: { status: 'succeeded', assetSha256: 'e'.repeat(64), proxySha256: PROXY } })
    applyBoardCommand(doc, cmd)

    const records = readRecords(doc) as unknown as Record<string, { props: TVariationProps }>
    expect(records['shape:old']!.props).toMatchObject({ proxySha256: '', reviewState: 'approved' })
    expect(records['shape:new']!.props).toMatchObject({ proxySha256: PROXY, assetSha256: 'e'.repeat(64) })
    expect(ZBoardCommand.safeParse({ ...cmd, patch: { proxySha256: '' } }).success).toBe(true)
    expect(ZBoardCommand.safeParse({ ...cmd, patch: { proxySha256: '../etc/passwd' } }).success).toBe(false)
  })
})
