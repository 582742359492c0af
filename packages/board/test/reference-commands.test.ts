import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyBoardCommand, boardSchema, defaultReferenceProps, getRecords, readRecords, ZBoardCommand, type TBoardCommand, type TReferenceProps } from '../src'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'
const SHA = 'a'.repeat(64)

function docWith(refs: Array<{ id: string; assetSha256: string }>): Y.Doc {
  const doc = new Y.Doc()
  const kv = getRecords(doc)
  kv.set('page:main', { id: 'page:main', typeName: 'page', name: 'Board', index: 'a1', meta: {} } as never)
  for (const [i, r] of refs.entries()) {
    kv.set(r.id, {
      id: r.id, typeName: 'shape', type: 'reference', x: i * 300, y: 0, rotation: 0, index: `a${i + 2}`, parentId: 'page:main',
      isLocked: false, opacity: 1, meta: {},
      props: { ...defaultReferenceProps(), tag: '', assetSha256: r.assetSha256, mimeType: 'video/mp4', ingest: 'pending' },
    } as never)
  }
  return doc
}

const ready = (over: Partial<TBoardCommand> = {}): TBoardCommand =>
  ZBoardCommand.parse({
    id: 'ingest:1:ready',
    type: 'reference.upsert',
    boardId,
    shapeId: 'shape:up1',
    assetSha256: SHA,
    patch: { ingest: 'ready', posterSha256: 'b'.repeat(64), stripSha256: 'c'.repeat(64), stripFrames: 10, proxySha256: 'd'.repeat(64), mimeType: 'video/mp4' },
    ...over,
  })

describe('reference.upsert', () => {
  it('patches the uploader’s shape and every other shape showing the same bytes, and nothing else', () => {
    const doc = docWith([{ id: 'shape:up1', assetSha256: '' }, { id: 'shape:twice', assetSha256: SHA }, { id: 'shape:other', assetSha256: 'e'.repeat(64) }])
    applyBoardCommand(doc, ready())
    const recs = readRecords(doc)
    for (const id of ['shape:up1', 'shape:twice']) {
      expect((recs[id] as unknown as { props: TReferenceProps }).props).toMatchObject({ assetSha256: SHA, ingest: 'ready', stripFrames: 10, proxySha256: 'd'.repeat(64) })
    }
    expect((recs['shape:other'] as unknown as { props: TReferenceProps }).props.ingest).toBe('pending')
  })

  it('creates the named shape when the board lacks it, so a result is never dropped; applying twice changes nothing', () => {
    const doc = docWith([])
    applyBoardCommand(doc, ready())
    const first = readRecords(doc)['shape:up1']
    applyBoardCommand(doc, ready())
    expect(readRecords(doc)['shape:up1']).toEqual(first)
    expect((first as unknown as { type: string; props: TReferenceProps }).props).toMatchObject({ assetSha256: SHA, ingest: 'ready', tag: '' })
  })

  it('refuses to turn another kind of shape into a reference', () => {
    const doc = docWith([])
    getRecords(doc).set('shape:up1', { id: 'shape:up1', typeName: 'shape', type: 'geo' } as never)
    expect(() => applyBoardCommand(doc, ready())).toThrow(/not a reference/)
  })

  it('migrates a reference stored before ingest existed to a finished still', () => {
    const schema = boardSchema()
    const old = {
      id: 'shape:old', typeName: 'shape', type: 'reference', x: 0, y: 0, rotation: 0, index: 'a1', parentId: 'page:main', isLocked: false, opacity: 1, meta: {},
      props: { w: 240, h: 240, tag: 'hero', kind: 'character', assetSha256: SHA, mimeType: 'image/png' },
    }
    const snapshot = schema.serialize()
    const before = { ...snapshot, sequences: { ...snapshot.sequences, 'com.tldraw.shape.reference': 0 } }
    const result = schema.migratePersistedRecord(old as never, before)
    expect(result.type).toBe('success')
    expect((result as { value: { props: TReferenceProps } }).value.props).toMatchObject({ ingest: 'ready', posterSha256: '', stripFrames: 0, libraryId: '', tag: 'hero' })
  })
})
