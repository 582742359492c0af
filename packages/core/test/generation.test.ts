import { describe, expect, it } from 'vitest'
import { AppError, parseInput, parseModelParams, ZStartGenerationRequest } from '../src'

const valid = {
  boardId: '7f1d8a52-2c64-4a4e-9d70-0d7b6f1f0a11',
  shotId: 'shape:shot1',
  model: 'previz',
  params: { duration: 2 },
  references: [{ shapeId: 'shape:ref1', assetSha256: 'a'.repeat(64) }],
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.field
    throw e
  }
  throw new Error('expected a failure')
}

describe('ZStartGenerationRequest', () => {
  it('accepts a complete request and fills defaults', () => {
    const req = parseInput(ZStartGenerationRequest, valid)
    expect(req.prompt).toBe('')
    expect(parseModelParams(req.model, req.params)).toMatchObject({ duration: 2, aspectRatio: '16:9', cameraMove: 'push_in' })
  })

  it('names the field that is wrong', () => {
    expect(fieldOf(() => parseInput(ZStartGenerationRequest, { ...valid, model: 'gen9' }))).toBe('model')
    expect(fieldOf(() => parseInput(ZStartGenerationRequest, { ...valid, shotId: undefined }))).toBe('shotId')
    expect(fieldOf(() => parseModelParams('previz', { duration: -2 }))).toBe('params.duration')
    expect(fieldOf(() => parseModelParams('previz', { duration: 2, colour: 'red' }))).toBe('params.colour')
    expect(fieldOf(() => parseInput(ZStartGenerationRequest, { ...valid, references: [{ shapeId: 'shape:r', assetSha256: 'nope' }] }))).toBe('references.0.assetSha256')
  })
})
