import { describe, expect, it } from 'vitest'
import { ZCreateCommentRequest, ZCreateReviewLinkRequest, parseInput, parseMentions } from '../src'

const members = [
  { id: 'ada', name: 'Ada Moreau' },
  { id: 'adam', name: 'Adam Smith' },
  { id: 'ben', name: 'Ben Okafor' },
]

describe('parseMentions', () => {
  it('finds members by full or first name, whole words only, in member order', () => {
    expect(parseMentions('@Ben please look, and @ada moreau too', members)).toEqual(['ada', 'ben'])
    expect(parseMentions('@Adam, thoughts?', members)).toEqual(['adam'])
    expect(parseMentions('mail ada@example.com or @Adamant', members)).toEqual([])
  })
})

describe('comment and link requests', () => {
  it('name the field at fault', () => {
    const field = (schema: Parameters<typeof parseInput>[0], input: unknown) => {
      try {
        parseInput(schema, input)
        return null
      } catch (e) {
        return (e as { field?: string }).field
      }
    }
    expect(field(ZCreateCommentRequest, { variationId: 'shape:v', body: ' ' })).toBe('body')
    expect(field(ZCreateCommentRequest, { variationId: 'shape:v', body: 'x', region: { shape: 'arrow', x1: 0, y1: 0, x2: 1.01, y2: 0 } })).toBe('region.x2')
    expect(field(ZCreateCommentRequest, { variationId: 'shape:v', body: 'x', endSeconds: 2 })).toBe('endSeconds')
    expect(field(ZCreateReviewLinkRequest, { scope: 'shot', expiresInHours: 2 })).toBe('shotId')
    expect(field(ZCreateReviewLinkRequest, { scope: 'board', expiresInHours: 721 })).toBe('expiresInHours')
    expect(field(ZCreateReviewLinkRequest, { scope: 'board', expiresInHours: 2, passphrase: 'short' })).toBe('passphrase')
    expect(parseInput(ZCreateCommentRequest, { variationId: 'shape:v', body: '  hi  ', timeSeconds: 1, endSeconds: 2 }).body).toBe('hi')
  })
})
