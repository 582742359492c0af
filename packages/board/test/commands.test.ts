import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyBoardCommand, getRecords, getThreads, readRecords, ZBoardCommand, type TBoardCommand } from '../src'

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

  it('finishes a variation stored before lineage existed (no parentVariationId) and records an edit\'s parent', () => {
    const doc = docWithShot()
    applyBoardCommand(doc, { id: 'c1', type: 'variation.upsert', boardId, variationId: 'shape:old', patch: { shotId: 'shape:shot1', status: 'running' } })
    const kv = getRecords(doc)
    const old = kv.get('shape:old') as unknown as { props: Record<string, unknown> }
    const { parentVariationId: _dropped, ...oldProps } = old.props
    kv.set('shape:old', { ...old, props: oldProps } as never)
    applyBoardCommand(doc, { id: 'c2', type: 'variation.upsert', boardId, variationId: 'shape:old', patch: { status: 'succeeded' } })
    applyBoardCommand(doc, { id: 'c3', type: 'variation.upsert', boardId, variationId: 'shape:edit', patch: { shotId: 'shape:shot1', status: 'running', parentVariationId: 'shape:old' } })
    const records = readRecords(doc) as unknown as Record<string, { props: Record<string, unknown> }>
    expect(records['shape:old']!.props).toMatchObject({ status: 'succeeded', parentVariationId: '' })
    expect(records['shape:edit']!.props).toMatchObject({ status: 'running', parentVariationId: 'shape:old', shotId: 'shape:shot1' })
  })

  it('records the references\' @tags and the hover-scrub strip, and fills them in on a variation stored before they existed', () => {
    const doc = docWithShot()
    applyBoardCommand(doc, { id: 'c1', type: 'variation.upsert', boardId, variationId: 'shape:old', patch: { shotId: 'shape:shot1', status: 'running' } })
    const kv = getRecords(doc)
    const old = kv.get('shape:old') as unknown as { props: Record<string, unknown> }
    const { referenceTags: _t, stripSha256: _s, stripFrames: _f, ...oldProps } = old.props
    kv.set('shape:old', { ...old, props: oldProps } as never)
    applyBoardCommand(doc, { id: 'c2', type: 'variation.upsert', boardId, variationId: 'shape:old', patch: { status: 'succeeded' } })

    const tagged = ZBoardCommand.parse({
      id: 'c3', type: 'variation.upsert', boardId, variationId: 'shape:v2',
      patch: { shotId: 'shape:shot1', status: 'succeeded', referenceTags: ['hero', 'bottle'], stripSha256: 'b'.repeat(64), stripFrames: 10 },
    })
    applyBoardCommand(doc, tagged)
    const records = readRecords(doc) as unknown as Record<string, { props: Record<string, unknown> }>
    expect(records['shape:old']!.props).toMatchObject({ status: 'succeeded', referenceTags: [], stripSha256: '', stripFrames: 0 })
    expect(records['shape:v2']!.props).toMatchObject({ referenceTags: ['hero', 'bottle'], stripSha256: 'b'.repeat(64), stripFrames: 10 })
    expect(ZBoardCommand.safeParse({ ...tagged, patch: { stripFrames: -1 } }).success).toBe(false)
    expect(ZBoardCommand.safeParse({ ...tagged, patch: { referenceTags: 'hero' } }).success).toBe(false)
  })

  it('refuses to turn another kind of shape into a variation', () => {
    const doc = docWithShot()
    expect(() => applyBoardCommand(doc, { id: 'x', type: 'variation.upsert', boardId, variationId: 'shape:shot1', patch: { status: 'failed' } })).toThrow(/not a variation/)
  })
})

describe('thread.upsert', () => {
  const thread = {
    id: '0b7c8a9e-5a0f-4a57-9d7e-3f4c2a1b0c9d',
    variationId: 'shape:v1',
    timeSeconds: 1.2,
    endSeconds: null,
    region: { shape: 'rect' as const, x: 0.1, y: 0.2, w: 0.3, h: 0.4 },
    authorName: 'Rui Tanaka',
    excerpt: 'The horizon tilts here',
    replies: 0,
    resolved: false,
    updatedAt: '2026-01-01T10:00:00.000Z',
  }

  it('writes the summary into the threads map, beside the records, and later summaries replace it', () => {
    const doc = docWithShot()
    const before = readRecords(doc)
    applyBoardCommand(doc, { id: 't1', type: 'thread.upsert', boardId, thread })
    expect(getThreads(doc).get(thread.id)).toEqual(thread)
    expect(readRecords(doc)).toEqual(before)

    applyBoardCommand(doc, { id: 't2', type: 'thread.upsert', boardId, thread: { ...thread, replies: 2, resolved: true, updatedAt: '2026-01-01T10:05:00.000Z' } })
    expect(getThreads(doc).get(thread.id)).toMatchObject({ replies: 2, resolved: true })
  })

  it('keeps the newer summary when an older one arrives late', () => {
    const doc = docWithShot()
    applyBoardCommand(doc, { id: 't2', type: 'thread.upsert', boardId, thread: { ...thread, resolved: true, updatedAt: '2026-01-01T10:05:00.000Z' } })
    applyBoardCommand(doc, { id: 't1', type: 'thread.upsert', boardId, thread })
    expect(getThreads(doc).get(thread.id)?.resolved).toBe(true)
  })

  it('a thread.upsert from JSON is parsed by the command schema, and a bad region is refused', () => {
    expect(ZBoardCommand.safeParse(JSON.parse(JSON.stringify({ id: 't1', type: 'thread.upsert', boardId, thread }))).success).toBe(true)
    const bad = { id: 't1', type: 'thread.upsert', boardId, thread: { ...thread, region: { shape: 'rect', x: 1.4, y: 0, w: 0.1, h: 0.1 } } }
    expect(ZBoardCommand.safeParse(bad).success).toBe(false)
  })
})

describe('variation.upsert reviewState', () => {
  it('sets a variation approved and keeps its other props', () => {
    const doc = docWithShot()
    applyBoardCommand(doc, { id: 'c1', type: 'variation.upsert', boardId, variationId: 'shape:v1', patch: { shotId: 'shape:shot1', status: 'succeeded' } })
    applyBoardCommand(doc, { id: 'c2', type: 'variation.upsert', boardId, variationId: 'shape:v1', patch: { reviewState: 'approved' } })
    const v = readRecords(doc)['shape:v1'] as unknown as { props: Record<string, unknown> }
    expect(v.props).toMatchObject({ reviewState: 'approved', status: 'succeeded', shotId: 'shape:shot1' })
  })
})

describe('shot.ensure', () => {
  it('makes an Edits shot beside the card it names, once; the variations of an edit then stack beside it', () => {
    const doc = docWithShot()
    const ensure: TBoardCommand = { id: 's1', type: 'shot.ensure', boardId, shotId: 'shape:edits1', besideShapeId: 'shape:shot1', title: 'Edits', aspectRatio: '9:16' }
    applyBoardCommand(doc, ensure)
    const shot = readRecords(doc)['shape:edits1'] as unknown as { x: number; y: number; parentId: string; type: string; props: Record<string, unknown> }
    expect(shot).toMatchObject({ type: 'shot', x: 100 + 360 + 48, y: 50, parentId: 'page:main', props: { title: 'Edits', aspectRatio: '9:16' } })

    // A person moved it and renamed it: a later edit's command leaves it as it is.
    getRecords(doc).set('shape:edits1', { ...shot, x: 900, props: { ...shot.props, title: 'Night looks' } } as never)
    applyBoardCommand(doc, { ...ensure, id: 's2' })
    expect(readRecords(doc)['shape:edits1']).toMatchObject({ x: 900, props: { title: 'Night looks' } })

    applyBoardCommand(doc, { id: 'v1', type: 'variation.upsert', boardId, variationId: 'shape:ev1', patch: { shotId: 'shape:edits1', status: 'queued', model: 'restyle' } })
    const v = readRecords(doc)['shape:ev1'] as unknown as { x: number; y: number }
    expect(v.x).toBeGreaterThan(900 + 360)
    expect(v.y).toBe(50)
  })

  it('without a card to go beside (a library reference), goes right of everything', () => {
    const doc = docWithShot()
    applyBoardCommand(doc, { id: 's1', type: 'shot.ensure', boardId, shotId: 'shape:edits2', besideShapeId: 'shape:gone', title: 'Edits', aspectRatio: '16:9' })
    expect(readRecords(doc)['shape:edits2']).toMatchObject({ x: 100 + 360 + 48, y: 0, parentId: 'page:main' })
  })
})
