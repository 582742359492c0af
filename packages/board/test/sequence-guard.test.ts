import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import type { TLRecord } from '@tldraw/tlschema'
import { applyBoardCommand, BoardWriteGuard, DEFAULT_BOARD_WRITE_LIMITS, getRecords, type TRecordWrites } from '../src'
import { geoShape, seedBoard, sequenceAudioShape, sequenceClipShape, sequenceShape, shotShape, variationShape } from '../src/testing'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'
const SEQ = 'shape:seq'
const DELIVERY = 'shape:seq-delivery'
const APPROVED = 'shape:v-approved'
const PENDING = 'shape:v-pending'
const finished = { status: 'succeeded', assetSha256: 'a'.repeat(64), mimeType: 'video/mp4', durationSeconds: 4, shotId: 'shape:shot' } as const

/** A board with a shot, an approved and a pending variation of it, a sequence and a sequence for delivery. */
function board(): { doc: Y.Doc; guard: BoardWriteGuard } {
  const doc = new Y.Doc()
  seedBoard(doc)
  const records = getRecords(doc)
  doc.transact(() => {
    records.set('shape:shot', shotShape('shape:shot'))
    records.set(APPROVED, variationShape(APPROVED, { props: { ...finished, reviewState: 'approved' } }))
    records.set(PENDING, variationShape(PENDING, { props: { ...finished, reviewState: 'pending' } }))
    records.set(SEQ, sequenceShape(SEQ))
    records.set(DELIVERY, sequenceShape(DELIVERY, { props: { title: 'TV spot', delivery: true } }))
  })
  return { doc, guard: new BoardWriteGuard(doc, DEFAULT_BOARD_WRITE_LIMITS) }
}

const write = (...records: TLRecord[]): TRecordWrites => ({ written: new Map(records.map((r) => [r.id, r])), deleted: new Set() })
const remove = (...ids: string[]): TRecordWrites => ({ written: new Map(), deleted: new Set(ids) })

describe('sequence records on a board', () => {
  it('keeps clips and sounds inside a sequence: on the page or in another shape they are refused', () => {
    const { guard } = board()
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', SEQ, PENDING)))).toBeNull()
    expect(guard.checkWrites(write(sequenceAudioShape('shape:a1', SEQ, 'track-1')))).toBeNull()
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', 'page:page', PENDING)))).toMatch(/shape:c1 is a sequence clip and belongs inside a sequence, not in page:page/)
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', 'shape:shot', PENDING)))).toMatch(/belongs inside a sequence, not in shape:shot/)
    expect(guard.checkWrites(write(sequenceAudioShape('shape:a1', 'page:page', 'track-1')))).toMatch(/shape:a1 is a sequence sound and belongs inside a sequence/)
  })

  it('refuses moving a clip out of its sequence onto the page', () => {
    const { doc, guard } = board()
    getRecords(doc).set('shape:c1', sequenceClipShape('shape:c1', SEQ, PENDING))
    expect(guard.checkWrites(write({ ...sequenceClipShape('shape:c1', SEQ, PENDING), parentId: 'page:page' } as TLRecord))).toMatch(/belongs inside a sequence/)
  })

  it('refuses a clip whose variation is not on the board (or is another kind of shape)', () => {
    const { guard } = board()
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', SEQ, 'shape:gone')))).toMatch(/shape:c1 shows shape:gone, which is not a variation on this board/)
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', SEQ, 'shape:shot')))).toMatch(/shows shape:shot, which is not a variation/)
    // Put on the board in the same writes, the variation counts.
    const geo = geoShape('shape:g')
    expect(guard.checkWrites(write(geo, sequenceClipShape('shape:c1', SEQ, 'shape:g')))).toMatch(/not a variation/)
  })

  it('takes only approved variations into a sequence marked for delivery, with the reason', () => {
    const { guard } = board()
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', DELIVERY, APPROVED)))).toBeNull()
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', DELIVERY, PENDING)))).toBe(`"TV spot" is marked for delivery and takes approved variations only; ${PENDING} is not approved yet.`)
  })

  it('refuses pointing a delivery clip at an unapproved variation or moving an unapproved clip into a delivery sequence', () => {
    const { doc, guard } = board()
    const records = getRecords(doc)
    records.set('shape:c1', sequenceClipShape('shape:c1', DELIVERY, APPROVED))
    records.set('shape:c2', sequenceClipShape('shape:c2', SEQ, PENDING))
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', DELIVERY, PENDING)))).toMatch(/marked for delivery and takes approved variations only/)
    expect(guard.checkWrites(write(sequenceClipShape('shape:c2', DELIVERY, PENDING)))).toMatch(/marked for delivery/)
  })

  it('lets a clip whose approval was revoked later still be trimmed and reordered (the canvas shows it out of date)', () => {
    const { doc, guard } = board()
    const records = getRecords(doc)
    records.set('shape:c1', sequenceClipShape('shape:c1', DELIVERY, APPROVED))
    applyBoardCommand(doc, { id: 'r1', type: 'variation.upsert', boardId, variationId: APPROVED, patch: { reviewState: 'changes_requested' } })
    expect(guard.checkWrites(write(sequenceClipShape('shape:c1', DELIVERY, APPROVED, { index: 'a5' as never, props: { inFrame: 12, outFrame: 60 } })))).toBeNull()
  })

  it('lets a sequence be marked for delivery and its settings change; its own props are validated', () => {
    const { guard } = board()
    expect(guard.checkWrites(write(sequenceShape(SEQ, { props: { delivery: true, fps: 25, fit: 'crop', audioTracks: [{ id: 't1', name: 'Music', gainDb: -6, muted: false }] } })))).toBeNull()
    const bad = { ...sequenceShape(SEQ), props: { ...(sequenceShape(SEQ) as unknown as { props: object }).props, fps: 23.976 } }
    expect(guard.checkWrites(write(bad as TLRecord))).toMatch(/shape:seq is not a valid board record/)
  })

  it('lets a person place a queued render placeholder under a sequence, as Generate does under a shot', () => {
    const { guard } = board()
    expect(guard.checkWrites(write(variationShape('shape:render', { props: { shotId: SEQ } })))).toBeNull()
    expect(guard.checkWrites(write(variationShape('shape:render', { props: { shotId: SEQ, status: 'succeeded' } })))).toMatch(/starts queued and empty; its status/)
  })

  it('an approved render protects its sequence from deletion, a pending one does not', () => {
    const { doc, guard } = board()
    const records = getRecords(doc)
    records.set('shape:c1', sequenceClipShape('shape:c1', SEQ, PENDING))
    records.set('shape:render', variationShape('shape:render', { props: { ...finished, shotId: SEQ, reviewState: 'pending' } }))
    expect(guard.checkWrites(remove(SEQ, 'shape:c1'))).toBeNull()
    applyBoardCommand(doc, { id: 'r2', type: 'variation.upsert', boardId, variationId: 'shape:render', patch: { reviewState: 'approved' } })
    expect(guard.checkWrites(remove(SEQ, 'shape:c1'))).toBe(`${SEQ} holds approved shape:render and cannot be deleted; a producer must revoke the approval first.`)
    // Deleting the sequence alone would strand its clips.
    records.set('shape:render', variationShape('shape:render', { props: { ...finished, shotId: SEQ, reviewState: 'pending' } }))
    expect(guard.checkWrites(remove(SEQ))).toMatch(/would leave shape:c1 without its parent/)
  })
})

describe('what the collab-server reads from a client update', () => {
  it('refuses an update that puts an unapproved clip into a delivery sequence, and takes an approved one', () => {
    const { doc, guard } = board()
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(doc))
    const send = (record: TLRecord) => {
      getRecords(client).set(record.id, record)
      return Y.encodeStateAsUpdate(client, Y.encodeStateVector(doc))
    }
    expect(guard.check(send(sequenceClipShape('shape:c1', DELIVERY, PENDING)))).toMatch(/marked for delivery and takes approved variations only/)
    const fresh = new Y.Doc()
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc))
    getRecords(fresh).set('shape:c2', sequenceClipShape('shape:c2', DELIVERY, APPROVED))
    expect(guard.check(Y.encodeStateAsUpdate(fresh, Y.encodeStateVector(doc)))).toBeNull()
  })
})

describe('a render placed by the server', () => {
  it('goes beside its sequence when no placeholder is there', () => {
    const { doc } = board()
    applyBoardCommand(doc, { id: 'r3', type: 'variation.upsert', boardId, variationId: 'shape:render', patch: { shotId: SEQ, status: 'queued' } })
    const render = getRecords(doc).get('shape:render') as unknown as { x: number; y: number; props: { shotId: string } }
    const seq = getRecords(doc).get(SEQ) as unknown as { x: number; y: number; props: { w: number } }
    expect(render.props.shotId).toBe(SEQ)
    expect(render.y).toBe(seq.y)
    expect(render.x).toBeGreaterThan(seq.x + seq.props.w)
  })
})
