import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyBoardCommand, getRecords, isForwardStatus, readRecords, variationOutcomePatch, type TBoardCommand } from '../src'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'
const sha = (c: string) => c.repeat(64)

function variationProps(doc: Y.Doc, id = 'shape:v1'): Record<string, unknown> {
  return (readRecords(doc)[id] as unknown as { props: Record<string, unknown> }).props
}

const running: TBoardCommand = {
  id: 'g1:running',
  type: 'variation.upsert',
  boardId,
  variationId: 'shape:v1',
  patch: { shotId: 'shape:shot1', generationId: 'g1', status: 'running', model: 'previz', prompt: 'a lighthouse', cost: 4 },
}
const succeeded: TBoardCommand = {
  id: 'g1:succeeded',
  type: 'variation.upsert',
  boardId,
  variationId: 'shape:v1',
  patch: { shotId: 'shape:shot1', generationId: 'g1', ...variationOutcomePatch({ status: 'succeeded', assetSha256: sha('a'), posterSha256: sha('b'), mimeType: 'video/mp4', durationSeconds: 2 }) },
}

describe('variation status only moves forward', () => {
  it('orders queued < running < a terminal state, and a terminal state never changes', () => {
    expect(isForwardStatus('queued', 'running')).toBe(true)
    expect(isForwardStatus('running', 'succeeded')).toBe(true)
    expect(isForwardStatus('queued', 'cancelled')).toBe(true)
    expect(isForwardStatus('succeeded', 'succeeded')).toBe(true)
    expect(isForwardStatus('running', 'queued')).toBe(false)
    expect(isForwardStatus('succeeded', 'running')).toBe(false)
    expect(isForwardStatus('succeeded', 'failed')).toBe(false)
    expect(isForwardStatus('cancelled', 'failed')).toBe(false)
  })

  it('a job awaiting approval sits between queued and running: a late queued never hides it, a refusal ends it', () => {
    expect(isForwardStatus('queued', 'awaiting_approval')).toBe(true)
    expect(isForwardStatus('awaiting_approval', 'running')).toBe(true)
    expect(isForwardStatus('awaiting_approval', 'cancelled')).toBe(true)
    expect(isForwardStatus('awaiting_approval', 'queued')).toBe(false)
    expect(isForwardStatus('running', 'awaiting_approval')).toBe(false)
  })

  // Bug: a redelivered `running` after `succeeded` moved the variation back to running, for good.
  it('a redelivered running after succeeded leaves succeeded and its output', () => {
    const doc = new Y.Doc()
    applyBoardCommand(doc, running)
    applyBoardCommand(doc, succeeded)
    const before = readRecords(doc)
    const rows = getRecords(doc).yarray.length
    applyBoardCommand(doc, { ...running, id: 'g1:running' })
    expect(variationProps(doc)).toMatchObject({ status: 'succeeded', assetSha256: sha('a'), model: 'previz', error: '' })
    expect(readRecords(doc)).toEqual(before)
    // Nothing changed, so nothing was written.
    expect(getRecords(doc).yarray.length).toBe(rows)
  })

  it('a late failure after success neither fails the variation nor leaves its error on it', () => {
    const doc = new Y.Doc()
    applyBoardCommand(doc, succeeded)
    applyBoardCommand(doc, { ...succeeded, id: 'g1:failed', patch: variationOutcomePatch({ status: 'failed', error: 'The worker died' }) })
    expect(variationProps(doc)).toMatchObject({ status: 'succeeded', error: '', assetSha256: sha('a') })
  })

  it('a stale running still brings provenance the variation lacked (its first delivery was lost)', () => {
    const doc = new Y.Doc()
    applyBoardCommand(doc, { ...succeeded, patch: { ...succeeded.patch } })
    applyBoardCommand(doc, running)
    expect(variationProps(doc)).toMatchObject({ status: 'succeeded', model: 'previz', prompt: 'a lighthouse', cost: 4, assetSha256: sha('a') })
  })

  it('honest order still applies every step, and review decisions still apply to a finished variation', () => {
    const doc = new Y.Doc()
    applyBoardCommand(doc, { ...running, id: 'q', patch: { shotId: 'shape:shot1', status: 'queued' } })
    expect(variationProps(doc).status).toBe('queued')
    applyBoardCommand(doc, running)
    expect(variationProps(doc).status).toBe('running')
    applyBoardCommand(doc, succeeded)
    expect(variationProps(doc).status).toBe('succeeded')
    applyBoardCommand(doc, { ...running, id: 'r', patch: { reviewState: 'approved' } })
    expect(variationProps(doc)).toMatchObject({ status: 'succeeded', reviewState: 'approved' })
  })
})
