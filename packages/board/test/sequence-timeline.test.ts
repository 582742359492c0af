import type { TLRecord } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import { timelineFromBoard, validateRecord, type TSequenceClipProps, type TSequenceProps } from '../src'
import { seedRecords, shotShape, TEST_PAGE_ID, variationShape } from '../src/testing'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'
const OUT = (c: string) => c.repeat(64)

const sequence = (props: Partial<TSequenceProps> = {}): TLRecord =>
  validateRecord({
    id: 'shape:seq', typeName: 'shape', type: 'sequence', x: 0, y: 600, rotation: 0, index: 'a5', parentId: TEST_PAGE_ID, isLocked: false, opacity: 1, meta: {},
    props: { w: 900, h: 300, title: 'Launch cut', fps: 24, aspectRatio: '16:9', fit: 'letterbox', delivery: false, audioTracks: [], ...props },
  } as unknown as TLRecord)

const clip = (id: string, index: string, props: Partial<TSequenceClipProps>): TLRecord =>
  validateRecord({
    id, typeName: 'shape', type: 'sequence-clip', x: 0, y: 0, rotation: 0, index, parentId: 'shape:seq', isLocked: false, opacity: 1, meta: {},
    props: { w: 120, h: 60, variationId: '', inFrame: 0, outFrame: 48, transition: 'cut', transitionFrames: 0, gainDb: 0, ...props },
  } as unknown as TLRecord)

const finished = (id: string, sha: string, review: 'approved' | 'pending' = 'approved') =>
  variationShape(id, { props: { shotId: 'shape:shot', status: 'succeeded', assetSha256: OUT(sha), mimeType: 'video/mp4', durationSeconds: 4, reviewState: review, generationId: `g-${id}` } })

describe('timelineFromBoard', () => {
  it('reads clips in index order with their variations\' outputs, not the order they were stored', () => {
    const records = [
      ...seedRecords(),
      shotShape('shape:shot', { props: { title: 'Lighthouse wide' } }),
      finished('shape:v1', 'a'),
      finished('shape:v2', 'b', 'pending'),
      sequence(),
      clip('shape:c2', 'a3', { variationId: 'shape:v2', inFrame: 12, outFrame: 96, transition: 'crossfade', transitionFrames: 12 }),
      clip('shape:c1', 'a1', { variationId: 'shape:v1', transition: 'crossfade', transitionFrames: 6 }),
    ]
    const read = timelineFromBoard(records, 'shape:seq', boardId)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.approved).toBe(false)
    expect(read.problems).toEqual([])
    expect(read.timeline.clips.map((c) => [c.clipId, c.assetSha256, c.inFrame, c.outFrame, c.sourceFrames, c.transition, c.label])).toEqual([
      // The first clip cannot crossfade from anything: it reads as a cut.
      ['shape:c1', OUT('a'), 0, 48, 96, 'cut', 'Lighthouse wide'],
      ['shape:c2', OUT('b'), 12, 96, 96, 'crossfade', 'Lighthouse wide'],
    ])
    expect(read.timeline).toMatchObject({ width: 1920, height: 1080, fps: 24, title: 'Launch cut' })
  })

  it('names a clip whose variation is gone or unfinished', () => {
    const records = [...seedRecords(), sequence(), variationShape('shape:queued'), clip('shape:c1', 'a1', { variationId: 'shape:gone' }), clip('shape:c2', 'a2', { variationId: 'shape:queued' })]
    expect(timelineFromBoard(records, 'shape:seq', boardId)).toEqual({
      ok: false,
      problems: ['Clip 1 shows a variation that is no longer on the board.', 'Clip 2 has no finished output yet.'],
    })
    expect(timelineFromBoard([...seedRecords(), sequence()], 'shape:seq', boardId)).toEqual({ ok: false, problems: ['"Launch cut" has no clips yet: drag finished variations onto it.'] })
  })
})
