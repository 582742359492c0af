import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyBoardCommand, getMeta, readRecords, readValidRecords, ZBoardCommand, type TBoardCommand } from '../src'
import { seedBoard } from '../src/testing'

const boardId = '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11'

type TShape = { id: string; type: string; x: number; y: number; parentId: string; props: Record<string, unknown> }

describe('shot.create', () => {
  it('seeds a board nobody opened yet, then places the shot on its page with the brief over the defaults', () => {
    const doc = new Y.Doc()
    applyBoardCommand(doc, { id: 's1', type: 'shot.create', boardId, shotId: 'shape:api-shot', brief: { title: 'Harbour at dawn', prompt: 'slow push over the water', duration: 2 } })
    const records = readRecords(doc) as unknown as Record<string, TShape>
    expect(records['page:page']).toBeDefined()
    expect(getMeta(doc).get('schema')).toBeDefined()
    const shot = records['shape:api-shot']!
    expect(shot.parentId).toBe('page:page')
    expect(shot.props).toMatchObject({ title: 'Harbour at dawn', prompt: 'slow push over the water', duration: 2, model: 'previz', aspectRatio: '16:9' })
    // What a browser loading the board reads: the shot validates against the board's schema.
    expect(readValidRecords(doc).records.has('shape:api-shot')).toBe(true)
  })

  it('goes below what is on the page, and a repeated command changes nothing', () => {
    const doc = new Y.Doc()
    seedBoard(doc)
    applyBoardCommand(doc, { id: 'p', type: 'shot.create', boardId, shotId: 'shape:first', brief: {} })
    const first = (readRecords(doc) as unknown as Record<string, TShape>)['shape:first']!
    const cmd: TBoardCommand = { id: 's2', type: 'shot.create', boardId, shotId: 'shape:second', brief: { title: 'Second' } }
    applyBoardCommand(doc, cmd)
    const before = Y.encodeStateVector(doc)
    applyBoardCommand(doc, { ...cmd, brief: { title: 'Changed' } })
    expect(Y.encodeStateVector(doc)).toEqual(before)
    const second = (readRecords(doc) as unknown as Record<string, TShape>)['shape:second']!
    expect(second.y).toBeGreaterThanOrEqual(first.y + (first.props.h as number))
    expect(second.props.title).toBe('Second')
  })

  it('refuses to turn another kind of shape into a shot, and the schema refuses a bad brief', () => {
    const doc = new Y.Doc()
    seedBoard(doc)
    applyBoardCommand(doc, { id: 'v', type: 'variation.upsert', boardId, variationId: 'shape:v1', patch: { status: 'queued' } })
    expect(() => applyBoardCommand(doc, { id: 's', type: 'shot.create', boardId, shotId: 'shape:v1', brief: {} })).toThrow(/not a shot/)
    expect(ZBoardCommand.safeParse({ id: 's', type: 'shot.create', boardId, shotId: 'shape:x', brief: { duration: 0 } }).success).toBe(false)
    expect(ZBoardCommand.safeParse({ id: 's', type: 'shot.create', boardId, shotId: 'shape:x', brief: { w: 10 } }).success).toBe(false)
  })
})
