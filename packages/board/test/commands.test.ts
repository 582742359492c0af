import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyBoardCommand, getRecords, readRecords, type TBoardCommand } from '../src'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'

function docWithShot(): Y.Doc {
  const doc = new Y.Doc()
  const kv = getRecords(doc)
  kv.set('page:main', { id: 'page:main', typeName: 'page', name: 'Board', index: 'a1', meta: {} } as never)
  kv.set('shape:shot1', {
    id: 'shape:shot1', typeName: 'shape', type: 'shot', x: 100, y: 50, rotation: 0, index: 'a1', parentId: 'page:main',
    isLocked: false, opacity: 1, meta: {},
    props: { w: 360, h: 300, title: 'Opening', prompt: 'a lighthouse', model: 'previz', duration: 2, aspectRatio: '16:9', cameraMove: 'push_in', referenceIds: [] },
  } as never)
  return doc
}

describe('applyBoardCommand', () => {
  it('creates a variation beside its shot, then merges later patches into it', () => {
    const doc = docWithShot()
    const create: TBoardCommand = { id: 'c1', type: 'variation.upsert', boardId, variationId: 'shape:v1', patch: { shotId: 'shape:shot1', status: 'queued', model: 'previz' } }
    applyBoardCommand(doc, create)
    let v = readRecords(doc)['shape:v1'] as unknown as { x: number; y: number; parentId: string; props: Record<string, unknown> }
    expect(v.x).toBeGreaterThan(100 + 360)
    expect(v.y).toBe(50)
    expect(v.parentId).toBe('page:main')
    expect(v.props.status).toBe('queued')

    applyBoardCommand(doc, { ...create, id: 'c2', patch: { status: 'succeeded', assetSha256: 'a'.repeat(64), durationSeconds: 2 } })
    v = readRecords(doc)['shape:v1'] as unknown as typeof v
    expect(v.props).toMatchObject({ status: 'succeeded', model: 'previz', durationSeconds: 2, shotId: 'shape:shot1' })
  })

  it('applying the same command twice leaves one identical record', () => {
    const doc = docWithShot()
    const cmd: TBoardCommand = { id: 'c1', type: 'variation.upsert', boardId, variationId: 'shape:v1', patch: { shotId: 'shape:shot1', status: 'running' } }
    applyBoardCommand(doc, cmd)
    const first = readRecords(doc)
    applyBoardCommand(doc, cmd)
    expect(readRecords(doc)).toEqual(first)
    expect(doc.getArray('records').length).toBe(3)
  })

  it('refuses to turn another kind of shape into a variation', () => {
    const doc = docWithShot()
    expect(() => applyBoardCommand(doc, { id: 'x', type: 'variation.upsert', boardId, variationId: 'shape:shot1', patch: { status: 'failed' } })).toThrow(/not a variation/)
  })
})
