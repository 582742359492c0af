import { describe, expect, it } from 'vitest'
import { promptTags, ZCreateReferenceRequest, ZReferenceTag } from '../src'

describe('promptTags', () => {
  it('lists each @tag once, in order of first use', () => {
    expect(promptTags('@hero walks to @bottle, then @hero smiles')).toEqual(['hero', 'bottle'])
  })

  it('ignores e-mail addresses, capitalised words and hyphenated board tags', () => {
    expect(promptTags('mail ada@studio.com about @Hero and @lighthouse-wide (@dusk_light).')).toEqual(['dusk_light'])
  })
})

describe('library contracts', () => {
  it('takes tags of 2–32 lowercase letters, digits or _ starting with a letter', () => {
    expect(ZReferenceTag.safeParse('hero_2').success).toBe(true)
    for (const bad of ['h', '2hero', 'Hero', 'he-ro', 'x'.repeat(33)]) expect(ZReferenceTag.safeParse(bad).success).toBe(false)
  })

  it('takes one to three views per new reference', () => {
    const id = '6d6f6e74-6167-4500-8000-000000000001'
    expect(ZCreateReferenceRequest.safeParse({ tag: 'hero', kind: 'character', assetIds: [] }).success).toBe(false)
    expect(ZCreateReferenceRequest.safeParse({ tag: 'hero', kind: 'character', assetIds: [id, id, id, id] }).success).toBe(false)
    expect(ZCreateReferenceRequest.safeParse({ tag: 'hero', kind: 'prop', assetIds: [id] }).success).toBe(false)
  })
})
